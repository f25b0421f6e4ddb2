using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Testing;

namespace DataForge.Release.Tests.Cluster;

/// <summary>The output of the array tasks outlives their work folder, names itself in the failure it explains, and is kept for the last builds only.</summary>
[Collection(SlurmCollection.Name)]
public sealed class TaskLogTests
{
    [SkippableFact]
    public void A_task_that_fails_leaves_its_log_private_and_named_by_the_failure_and_only_the_last_builds_logs_are_kept()
    {
        using var cluster = SlurmCluster.Start();
        using var p = new ClusterProject(cluster);
        // Six older builds' logs, the newest last.
        var root = p.Combine(".dataforge", "logs", "cluster");
        var old = Enumerable.Range(0, 6).Select(n => Path.Combine(root, $"old{n}")).ToList();
        for (var n = 0; n < old.Count; n++)
        {
            Directory.CreateDirectory(old[n]);
            File.WriteAllText(Path.Combine(old[n], "dicom.screen.raw-0.log"), "worker: task 0: 1 action(s) run, 0 failed\n");
            Directory.SetLastWriteTimeUtc(old[n], DateTime.UtcNow.AddHours(n - 10));
        }

        // The first wave's work list damaged while its array waits: every attempt of every task fails.
        SlurmBuildTests.SetPartition(cluster, "DOWN");
        var build = Task.Run(() => p.Run("build", "--json"));
        var work = SlurmBuildTests.WaitForWorkList(p, build);
        File.WriteAllText(Path.Combine(work, "actions.json"), "{ damaged");
        SlurmBuildTests.SetPartition(cluster, "UP");
        Assert.True(build.Wait(TimeSpan.FromSeconds(300)), "the build did not end");
        var result = build.Result;
        Assert.True(result.ExitCode == 1, result.Out + result.Error + cluster.Logs());
        Assert.False(Directory.Exists(work), "the work folder is removed once its tasks ended");

        var reasons = JsonDocument.Parse(result.Out).RootElement.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("reason").GetString()!).ToList();
        Assert.NotEmpty(reasons);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reason in reasons)
        {
            var match = Regex.Match(reason, @"^cluster task ended FAILED after 2 attempts; its output is in (\S+)$");
            Assert.True(match.Success, reason);
            named.Add(match.Groups[1].Value);
        }
        Assert.Equal(3, named.Count);
        foreach (var log in named)
        {
            Assert.StartsWith(".dataforge/logs/cluster/", log);
            var path = p.Combine(log);
            Assert.True(File.Exists(path), $"{log} is not there");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            }
            // Both attempts' output, each saying why.
            Assert.Equal(2, Regex.Matches(File.ReadAllText(path), "cannot read the work list").Count);
        }

        // The four newest older builds' logs are kept beside this one's; the two oldest are gone.
        var kept = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var mine = Path.GetFileName(Path.GetDirectoryName(p.Combine(named.First())))!;
        Assert.Equal(new[] { "old2", "old3", "old4", "old5", mine }.Order(StringComparer.Ordinal), kept);

        // The next build runs and keeps five builds' logs.
        var again = p.Run("build");
        Assert.True(again.ExitCode == 0, again.Out + again.Error + cluster.Logs());
        Assert.Equal(5, Directory.GetDirectories(root).Length);
        Assert.DoesNotContain("old2", Directory.GetDirectories(root).Select(Path.GetFileName));
    }
}
