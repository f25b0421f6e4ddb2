using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Release.Tests.Cluster;

/// <summary>
/// The cluster executor and the shared cache together, as a team uses them: a build on the single-node Slurm records
/// into a real PostgreSQL action cache and a shared store folder; a laptop-style local build of another project
/// folder (same sources, manifest and secret) then runs nothing; and projects build at once on the same cache and
/// store, one of them on the cluster, with `fsck` clean afterwards.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class ClusterSharedCacheTests : IDisposable
{
    private readonly TempDirectory _shared = new("dfshared");

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_shared.Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        _shared.Dispose();
    }

    /// <summary>
    /// The project's manifest with the shared store and the PostgreSQL cache (password from a file). Every project has the
    /// same manifest, as a team's clones would; the laptop builds with <c>--executor local</c>.
    /// </summary>
    private void Share(ClusterProject project, PostgresServer server, string password = "file:pg.password")
    {
        File.WriteAllText(project.Combine("pg.password"), server.Password + "\n");
        var manifest = ClusterProject.Manifest + $"""
                         store: {_shared.Combine("store")}
                         state:
                           url: {server.Url}
                           password: {password}

                         """;
        File.WriteAllText(project.Combine("dataforge.yaml"), manifest);
    }

    private static List<(string Stage, int Executed, int Shared)> Stages(CliResult result) =>
        JsonDocument.Parse(result.Out).RootElement.GetProperty("stages").EnumerateArray()
            .Select(s => (s.GetProperty("stage").GetString()!, s.GetProperty("executed").GetInt32(), s.GetProperty("shared").GetInt32())).ToList();

    [SkippableFact]
    public void A_cluster_build_fills_the_shared_cache_and_a_local_build_of_another_folder_then_runs_nothing()
    {
        using var cluster = SlurmCluster.Start();
        using var server = PostgresServer.Start();
        using var onCluster = new ClusterProject(cluster);
        using var laptop = new ClusterProject(null);
        Share(onCluster, server);
        Share(laptop, server);

        var built = onCluster.Run("build", "--json");
        Assert.True(built.ExitCode == 0, built.Out + built.Error + cluster.Logs());
        Assert.Contains(Stages(built), s => s.Executed > 0);
        Assert.All(Stages(built), s => Assert.Equal(0, s.Shared));
        var jobs = cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%i").StandardOutput;
        Assert.False(string.IsNullOrWhiteSpace(jobs), "the first build ran on the cluster");

        laptop.ShareSecretOf(onCluster);
        var served = laptop.Run("build", "--executor", "local", "--json");
        Assert.True(served.ExitCode == 0, served.Out + served.Error);
        Assert.All(Stages(served), s => Assert.Equal(0, s.Executed));
        Assert.Contains(Stages(served), s => s.Shared > 0);
        Assert.Equal(onCluster.OutputHashes(), laptop.OutputHashes());

        onCluster.Run("release", "v1").AssertExit(0);
        laptop.Run("release", "v1").AssertExit(0);
        Assert.Equal(onCluster.ReleaseManifest("v1"), laptop.ReleaseManifest("v1"));
        laptop.Run("verify", "v1").AssertExit(0);

        // Onwards as the team works: export from the shared store, a patient withdrawn from both folders, the cluster
        // builds it first and the laptop is served again, then a release and the diff a reviewer reads.
        laptop.Run("export", "v1", "exported").AssertExit(0);
        Assert.Equal(laptop.OutputHashes(), laptop.OutputHashes("exported"));
        foreach (var project in new[] { onCluster, laptop })
            Directory.Delete(Directory.GetDirectories(project.Combine("raw")).Order(StringComparer.Ordinal).First(), recursive: true);
        var rebuilt = onCluster.Run("build", "--json");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Out + rebuilt.Error + cluster.Logs());
        var again = laptop.Run("build", "--executor", "local", "--json");
        Assert.True(again.ExitCode == 0, again.Out + again.Error);
        Assert.All(Stages(again), s => Assert.True(s.Executed == 0, $"{s.Stage} ran {s.Executed} action(s) on the laptop after the change"));
        Assert.Equal(onCluster.OutputHashes(), laptop.OutputHashes());
        laptop.Run("release", "v2").AssertExit(0);
        var diff = JsonDocument.Parse(laptop.Run("diff", "v1", "v2", "--json").AssertExit(0).Out).RootElement;
        Assert.Equal(1, diff.GetProperty("patients").GetProperty("removed").GetArrayLength());
        Assert.Equal(0, diff.GetProperty("patients").GetProperty("added").GetArrayLength());
        laptop.Run("verify", "v2").AssertExit(0);
    }

    [SkippableFact]
    public void The_cache_password_from_the_environment_reaches_neither_slurm_nor_a_worker_and_the_cluster_build_still_records_into_the_cache()
    {
        using var cluster = SlurmCluster.Start();
        using var server = PostgresServer.Start();
        using var onCluster = new ClusterProject(cluster);
        using var laptop = new ClusterProject(null);
        const string variable = "DATAFORGE_TEST_PG_PASSWORD";
        Share(onCluster, server, $"env:{variable}");
        File.Delete(onCluster.Combine("pg.password"));
        Share(laptop, server);

        // The user exports the password and builds; the first wave waits in the queue, its job's environment in slurmctld's state.
        SlurmBuildTests.SetPartition(cluster, "DOWN");
        using var coordinator = SlurmBuildTests.StartCoordinator(cluster, onCluster, new Dictionary<string, string> { [variable] = server.Password }, "--json");
        SlurmBuildTests.WaitForJobs(onCluster, coordinator);
        var environments = Directory.EnumerateFiles(Path.Combine(cluster.Folder, "state"), "environment", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(environments);
        // The files looked at are the jobs' environments (the submitting process's variables are in them).
        Assert.Contains(environments, f => File.ReadAllText(f).Contains($"SLURM_CONF={cluster.ConfigPath}", StringComparison.Ordinal));
        AssertNowhere(server.Password, cluster);

        SlurmBuildTests.SetPartition(cluster, "UP");
        Assert.True(coordinator.WaitForExit(TimeSpan.FromSeconds(300)), "the build did not end");
        Assert.True(coordinator.ExitCode == 0, coordinator.Out + coordinator.Error + cluster.Logs());
        Assert.Contains(Stages(new CliResult(0, coordinator.Out, "")), s => s.Executed > 0);
        AssertNowhere(server.Password, cluster);

        // The coordinator recorded every action into the cache: another folder runs nothing.
        laptop.ShareSecretOf(onCluster);
        var served = laptop.Run("build", "--executor", "local", "--json");
        Assert.True(served.ExitCode == 0, served.Out + served.Error);
        Assert.All(Stages(served), s => Assert.Equal(0, s.Executed));
        Assert.Contains(Stages(served), s => s.Shared > 0);
    }

    /// <summary>Neither a file of the cluster's state, spool and logs nor what <c>scontrol show job -dd</c> tells holds <paramref name="text"/>.</summary>
    private static void AssertNowhere(string text, SlurmCluster cluster)
    {
        foreach (var file in Directory.EnumerateFiles(cluster.Folder, "*", SearchOption.AllDirectories))
        {
            string content;
            try { content = File.ReadAllText(file); }
            catch (IOException) { continue; } // the munge socket
            Assert.False(content.Contains(text, StringComparison.Ordinal), $"{Path.GetRelativePath(cluster.Folder, file)} holds the password");
        }
        var jobs = cluster.Run("/usr/bin/squeue", "-h", "--states=all", "-o", "%A").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        Assert.NotEmpty(jobs);
        foreach (var job in jobs)
            Assert.DoesNotContain(text, cluster.Run("/usr/bin/scontrol", "show", "job", "-dd", job).StandardOutput, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Two_projects_build_at_once_on_the_shared_cache_and_store_one_on_the_cluster_and_fsck_is_clean()
    {
        using var cluster = SlurmCluster.Start();
        using var server = PostgresServer.Start();
        using var onCluster = new ClusterProject(cluster, patients: 3);
        using var local = new ClusterProject(null, patients: 2);
        Share(onCluster, server);
        Share(local, server);

        // Different secrets and different corpora: both run every action, at the same time, into one cache and store.
        var both = new[] { Task.Run(() => onCluster.Run("build", "--json")), Task.Run(() => local.Run("build", "--executor", "local", "--json")) };
        Task.WaitAll(both);
        foreach (var result in both.Select(t => t.Result)) Assert.True(result.ExitCode == 0, result.Out + result.Error + cluster.Logs());
        Assert.Contains(Stages(both[0].Result), s => s.Executed > 0);
        Assert.Contains(Stages(both[1].Result), s => s.Executed > 0);

        foreach (var project in new[] { onCluster, local })
        {
            var fsck = project.Run("fsck", "--json");
            Assert.True(fsck.ExitCode == 0, fsck.Out + fsck.Error);
            Assert.Equal(0, JsonDocument.Parse(fsck.Out).RootElement.GetProperty("damaged").GetArrayLength());
            // And each still has everything it built: a second build runs nothing.
            var again = project.Run("build", "--json");
            Assert.True(again.ExitCode == 0, again.Out + again.Error);
            Assert.All(Stages(again), s => Assert.Equal(0, s.Executed));
        }
    }

    [SkippableFact]
    public void Results_a_killed_coordinator_left_reach_the_shared_cache_when_the_next_build_records_them()
    {
        using var cluster = SlurmCluster.Start();
        using var server = PostgresServer.Start();
        using var onCluster = new ClusterProject(cluster);
        using var laptop = new ClusterProject(null);
        Share(onCluster, server);
        Share(laptop, server);
        SlurmBuildTests.SetPartition(cluster, "DOWN");
        using (var coordinator = SlurmBuildTests.StartCoordinator(cluster, onCluster))
        {
            try
            {
                SlurmBuildTests.WaitForJobs(onCluster, coordinator);
            }
            finally
            {
                coordinator.Kill();
            }
        }
        // The killed coordinator's first wave runs to its end and leaves its results in the work folder.
        SlurmBuildTests.SetPartition(cluster, "UP");
        cluster.WaitIdle(TimeSpan.FromSeconds(120));
        var next = onCluster.Run("build", "--json");
        Assert.True(next.ExitCode == 0, next.Out + next.Error + cluster.Logs());
        var first = Stages(next)[0];
        Assert.True(first.Executed == 0, $"{first.Stage} ran {first.Executed} action(s): the left results were not recorded");

        // Every action, also those recorded from the left results, is in the shared cache: another folder runs nothing.
        laptop.ShareSecretOf(onCluster);
        var served = laptop.Run("build", "--executor", "local", "--json");
        Assert.True(served.ExitCode == 0, served.Out + served.Error);
        Assert.All(Stages(served), s => Assert.True(s.Executed == 0, $"{s.Stage} ran {s.Executed} action(s) on the laptop"));
        Assert.Equal(onCluster.OutputHashes(), laptop.OutputHashes());
    }
}
