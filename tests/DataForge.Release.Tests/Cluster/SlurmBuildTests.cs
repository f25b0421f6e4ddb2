using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Release.Tests.Cluster;

/// <summary>Builds through the real single-node Slurm (see <see cref="SlurmCluster"/>) against the local executor.</summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmBuildTests
{
    /// <summary>Every job Slurm knows (MinJobAge keeps finished ones), one line per array task.</summary>
    private static List<string> Jobs(SlurmCluster cluster) =>
        cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%i").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    [SkippableFact]
    public void A_cluster_build_makes_the_bytes_and_release_of_a_local_build_and_a_second_build_submits_nothing()
    {
        using var cluster = SlurmCluster.Start();
        using var local = new ClusterProject(null);
        using var remote = new ClusterProject(cluster);
        local.Run("build", "--executor", "local").AssertExit(0);
        remote.ShareSecretOf(local);

        var built = remote.Run("build", "--json");
        Assert.True(built.ExitCode == 0, built.Out + built.Error + cluster.Logs());
        var tasks = Jobs(cluster);
        // One array per stage wave that ran, of min(actions, max_array_size) tasks each: no task was submitted again.
        var ran = JsonDocument.Parse(built.Out).RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("executed").GetInt32()).Where(n => n > 0).ToList();
        Assert.Equal(ran.Count, cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%F").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
        Assert.Equal(ran.Sum(n => Math.Min(n, 3)), tasks.Count);
        Assert.Equal(local.OutputHashes(), remote.OutputHashes());
        Assert.Contains(remote.OutputHashes().Keys, k => k.EndsWith(".nii.gz", StringComparison.Ordinal));
        Assert.False(Directory.Exists(remote.Combine(".dataforge", "work")), "the work folders are removed once their results are recorded");

        var again = JsonDocument.Parse(remote.Run("build", "--json").AssertExit(0).Out).RootElement;
        Assert.All(again.GetProperty("stages").EnumerateArray(), s => Assert.Equal(0, s.GetProperty("executed").GetInt32()));
        Assert.Equal(tasks, Jobs(cluster));

        local.Run("release", "v1").AssertExit(0);
        remote.Run("release", "v1").AssertExit(0);
        Assert.Equal(local.ReleaseManifest("v1"), remote.ReleaseManifest("v1"));
    }

    [SkippableFact]
    public void Sequential_pseudonyms_made_on_the_cluster_are_the_local_builds_and_a_release_of_them_verifies()
    {
        using var cluster = SlurmCluster.Start();
        using var local = new ClusterProject(null, patients: 3);
        using var remote = new ClusterProject(cluster, patients: 3);
        // {seq:N} numbers come from the vault, which the coordinator writes and every worker reads.
        foreach (var p in new[] { local, remote })
            File.WriteAllText(p.Combine("dataforge.yaml"), ClusterProject.Manifest.Replace("  profile: basic\n",
                "  profile: basic\n  pseudonym: {format: \"SUBJ-{seq:3}\"}\n", StringComparison.Ordinal));
        local.Run("build", "--executor", "local").AssertExit(0);
        remote.ShareSecretOf(local);

        var built = remote.Run("build");
        Assert.True(built.ExitCode == 0, built.Out + built.Error + cluster.Logs());
        Assert.Equal(local.OutputHashes(), remote.OutputHashes());
        Assert.Contains(remote.OutputHashes().Keys, k => k.Contains("SUBJ-00", StringComparison.Ordinal));
        remote.Run("release", "v1").AssertExit(0);
        remote.Run("verify", "v1").AssertExit(0);
    }

    [SkippableFact]
    public void A_bad_input_fails_its_item_on_the_cluster_and_the_rest_completes()
    {
        using var cluster = SlurmCluster.Start();
        using var p = new ClusterProject(cluster);
        var victim = Directory.GetFiles(p.Combine("raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..^200]);
        p.FailUnreadable();

        var result = p.Run("build", "--json");
        Assert.True(result.ExitCode == 1, result.Out + result.Error);
        var report = JsonDocument.Parse(result.Out).RootElement;
        var failures = report.GetProperty("failures").EnumerateArray().ToList();
        Assert.Single(failures);
        Assert.NotEqual("index", failures[0].GetProperty("stage").GetString());
        Assert.DoesNotContain("cluster task", failures[0].GetProperty("reason").GetString());
        var first = report.GetProperty("stages").EnumerateArray().First();
        Assert.True(first.GetProperty("executed").GetInt32() > 0);
        Assert.NotEmpty(Directory.EnumerateFiles(p.Combine("out"), "*.nii.gz", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public void No_job_name_or_argument_names_a_patient_or_a_source_path()
    {
        using var cluster = SlurmCluster.Start();
        using var p = new ClusterProject(cluster);
        var folders = Directory.GetDirectories(p.Combine("raw")).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(folders);
        p.Run("build").AssertExit(0);

        var jobs = cluster.Run("/usr/bin/squeue", "-h", "--states=all", "-o", "%A").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        Assert.NotEmpty(jobs);
        foreach (var job in jobs)
        {
            // The job as the scheduler shows it, and the batch script its tasks run.
            var shown = cluster.Run("/usr/bin/scontrol", "show", "job", job).StandardOutput
                        + cluster.Run("/usr/bin/scontrol", "write", "batch_script", job, "-").StandardOutput;
            Assert.Contains("dataforge-", shown);
            Assert.Contains("worker --work", shown);
            foreach (var folder in folders)
            {
                // A folder is FAMILY_GIVEN_ID: none of its parts may reach the scheduler.
                foreach (var part in folder!.Split('_'))
                    Assert.DoesNotContain(part, shown, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [SkippableFact]
    public void A_worker_refuses_work_whose_stage_definition_changed_under_it_with_a_result_and_slurm_runs_each_task_once()
    {
        using var cluster = SlurmCluster.Start();
        using var p = new ClusterProject(cluster);
        // The partition down: the build's first array waits in the queue with its work list written.
        SetPartition(cluster, "DOWN");
        var build = Task.Run(() => p.Run("build", "--json"));
        var work = WaitForWorkList(p, build);
        var planned = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "actions.json"))).RootElement.GetProperty("actions").GetArrayLength();
        p.FailUnreadable();

        // Run by hand as a task runs it: the refusal is its result (each action failed), and the task succeeds.
        var result = p.Run("worker", "--work", Path.GetRelativePath(p.Path, work), "--task", "0");
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("definition fingerprint differs", result.Error);
        var refused = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "result-0.json"))).RootElement.GetProperty("actions").EnumerateArray().ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Contains("definition fingerprint differs", a.GetProperty("failure").GetString()));

        // On Slurm: every task of the wave refuses once, ends COMPLETED, and is not submitted again.
        SetPartition(cluster, "UP");
        Assert.True(build.Wait(TimeSpan.FromSeconds(300)), "the build did not end");
        var built = build.Result;
        Assert.True(built.ExitCode == 1, built.Out + built.Error + cluster.Logs());
        Assert.DoesNotContain("cluster task ended", built.Out + built.Error);
        var reasons = JsonDocument.Parse(built.Out).RootElement.GetProperty("failures").EnumerateArray()
            .Select(f => f.GetProperty("reason").GetString()!).Where(r => r.Contains("definition fingerprint differs", StringComparison.Ordinal)).ToList();
        Assert.Equal(planned, reasons.Count);
        var stage = Path.GetFileName(work);
        var tasks = cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%j|%F|%K|%T").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Where(l => l[0] == $"dataforge-{stage}").ToList();
        Assert.Single(tasks.Select(t => t[1]).Distinct());
        Assert.Equal(Math.Min(planned, 3), tasks.Count);
        Assert.All(tasks, t => Assert.Equal("COMPLETED", t[3]));
    }

    [SkippableFact]
    public void A_cancelled_array_fails_its_items_and_the_next_build_completes_with_the_local_bytes()
    {
        using var cluster = SlurmCluster.Start();
        using var local = new ClusterProject(null);
        using var remote = new ClusterProject(cluster);
        local.Run("build", "--executor", "local").AssertExit(0);
        remote.ShareSecretOf(local);
        SetPartition(cluster, "DOWN");
        var build = Task.Run(() => remote.Run("build"));
        WaitForWorkList(remote, build);

        var cancelled = CancelUntilDone(cluster, build);
        Assert.Equal(1, cancelled.ExitCode);
        Assert.Contains("cluster task ended CANCELLED after 2 attempts", cancelled.Error);
        // Cancelled while pending (the partition is down): no task started, so none has a log to name.
        Assert.Contains("it never started", cancelled.Error);
        Assert.DoesNotContain("its output is in", cancelled.Error);
        SetPartition(cluster, "UP");
        var again = remote.Run("build");
        Assert.True(again.ExitCode == 0, again.Out + again.Error + cluster.Logs());
        Assert.Equal(local.OutputHashes(), remote.OutputHashes());
    }

    [SkippableFact]
    public void A_task_that_ends_without_a_result_is_submitted_again_and_the_build_completes_with_the_local_bytes()
    {
        using var cluster = SlurmCluster.Start();
        using var local = new ClusterProject(null);
        using var remote = new ClusterProject(cluster);
        local.Run("build", "--executor", "local").AssertExit(0);
        remote.ShareSecretOf(local);
        SetPartition(cluster, "DOWN");
        var build = Task.Run(() => remote.Run("build", "--json"));
        WaitForWorkList(remote, build);

        // One task of the first array cancelled while it waits, as a node lost or a preemption ends it: no result.
        string? cancelled = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (cancelled is null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "no array task showed in the queue");
            var first = cluster.Run("/usr/bin/squeue", "-h", "-r", "-o", "%i").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Order(StringComparer.Ordinal).FirstOrDefault();
            if (first is not null && cluster.Run("/usr/bin/scancel", first).ExitCode == 0) cancelled = first;
            else Thread.Sleep(100);
        }
        SetPartition(cluster, "UP");

        Assert.True(build.Wait(TimeSpan.FromSeconds(300)), "the build did not end");
        var result = build.Result;
        Assert.True(result.ExitCode == 0, result.Out + result.Error + cluster.Logs());
        Assert.Empty(JsonDocument.Parse(result.Out).RootElement.GetProperty("failures").EnumerateArray());
        Assert.Equal(local.OutputHashes(), remote.OutputHashes());
        // The cancelled task was submitted again: one array job more than the stage waves that ran.
        var ran = JsonDocument.Parse(result.Out).RootElement.GetProperty("stages").EnumerateArray().Count(s => s.GetProperty("executed").GetInt32() > 0);
        var arrays = cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%F").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count();
        Assert.True(arrays == ran + 1, $"{arrays} array jobs for {ran} waves, after {cancelled} was cancelled: " +
            cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%i %F %T").StandardOutput);
    }

    /// <summary>
    /// Ctrl-C (SIGINT), <c>kill</c> (SIGTERM, also what <c>timeout</c>, systemd or a batch system send) and a closed
    /// terminal (SIGHUP) all stop the build cleanly: its queued jobs are cancelled rather than left to run for no one.
    /// </summary>
    [SkippableTheory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public void Ctrl_C_or_a_termination_signal_cancels_the_jobs_the_build_submitted(string signal)
    {
        using var cluster = SlurmCluster.Start();
        using var p = new ClusterProject(cluster);
        SetPartition(cluster, "DOWN");
        using var coordinator = StartCoordinator(cluster, p);
        WaitForJobs(p, coordinator);
        var pending = cluster.Run("/usr/bin/squeue", "-h", "-r", "-o", "%i").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(pending);

        // SIGINT, as a terminal's Ctrl-C sends it, to the coordinator's pid: it must have a handler for it to cancel.
        if (signal == "INT") Assert.True(coordinator.CatchesInterrupt(), "the coordinator does not catch SIGINT (it was ignored when it started)");
        coordinator.Signal(signal);
        Assert.True(coordinator.WaitForExit(TimeSpan.FromSeconds(60)), $"the coordinator did not end after SIG{signal}");
        Assert.True(coordinator.ExitCode == 1, coordinator.Out + coordinator.Error);
        Assert.Contains("build cancelled", coordinator.Error);
        Assert.Empty(cluster.Run("/usr/bin/squeue", "-h", "-r", "-o", "%i").StandardOutput.Trim());
        var states = cluster.Run("/usr/bin/squeue", "-h", "-r", "--states=all", "-o", "%T").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(states, s => Assert.Equal("CANCELLED", s));
    }

    /// <summary>
    /// A coordinator in a process of its own (see <see cref="Coordinator"/>), with <paramref name="environment"/> added to
    /// its own (the variables a user exports before <c>dataforge build</c>).
    /// </summary>
    internal static Coordinator StartCoordinator(SlurmCluster cluster, ClusterProject p,
        IReadOnlyDictionary<string, string>? environment = null, params string[] args) => new(cluster, p, environment, args);

    /// <summary>Waits until the coordinator has submitted its first job.</summary>
    internal static void WaitForJobs(ClusterProject p, Coordinator coordinator)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Directory.Exists(p.Combine(".dataforge", "work")) || !Directory.EnumerateFiles(p.Combine(".dataforge", "work"), "jobs", SearchOption.AllDirectories).Any())
        {
            if (coordinator.HasExited) Assert.Fail("the coordinator ended before it submitted a job: " + coordinator.Out + coordinator.Error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "no job submitted within 120 s");
            Thread.Sleep(100);
        }
    }

    [SkippableFact]
    public void Results_of_tasks_a_killed_coordinator_left_are_recorded_by_the_next_build_and_status_shows_its_tasks()
    {
        using var cluster = SlurmCluster.Start();
        using var p = new ClusterProject(cluster);
        SetPartition(cluster, "DOWN");
        using var coordinator = StartCoordinator(cluster, p);
        try
        {
            WaitForJobs(p, coordinator);
            var status = p.Run("status").AssertExit(0).Out;
            Assert.Matches(@"cluster: .*dicom\.screen\.raw.*: 0 task\(s\) running, [1-9][0-9]* pending", status);
        }
        finally
        {
            coordinator.Kill();
        }
        SetPartition(cluster, "UP");
        cluster.WaitIdle(TimeSpan.FromSeconds(120));

        var next = JsonDocument.Parse(p.Run("build", "--json").AssertExit(0).Out).RootElement;
        var screen = next.GetProperty("stages").EnumerateArray().First(s => s.GetProperty("stage").GetString() == "dicom.screen.raw");
        Assert.Equal(0, screen.GetProperty("executed").GetInt32());
        Assert.Equal(12, screen.GetProperty("cached").GetInt32());
        Assert.False(Directory.Exists(p.Combine(".dataforge", "work")));
        Assert.DoesNotContain("cluster:", p.Run("status").AssertExit(0).Out);
    }

    internal static void SetPartition(SlurmCluster cluster, string state)
    {
        var result = cluster.Run("/usr/bin/scontrol", "update", $"PartitionName={SlurmCluster.Partition}", $"State={state}");
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    /// <summary>The stage folder of the first work list the build writes (it is still running then).</summary>
    internal static string WaitForWorkList(ClusterProject p, Task<CliResult> build)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            Assert.False(build.IsCompleted, build.IsCompleted ? build.Result.Out + build.Result.Error : "");
            var root = p.Combine(".dataforge", "work");
            var list = Directory.Exists(root) ? Directory.EnumerateFiles(root, "actions.json", SearchOption.AllDirectories).FirstOrDefault() : null;
            if (list is not null) return Path.GetDirectoryName(list)!;
            Thread.Sleep(100);
        }
        throw new TimeoutException("the build wrote no work list within 120 s");
    }

    /// <summary>Cancels every job in the queue (by the ids squeue gives) until the build ends; returns its result.</summary>
    private static CliResult CancelUntilDone(SlurmCluster cluster, Task<CliResult> build)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!build.Wait(TimeSpan.FromMilliseconds(300)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(180), "the build did not end after its jobs were cancelled");
            var jobs = cluster.Run("/usr/bin/squeue", "-h", "-o", "%A").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            if (jobs.Length > 0) cluster.Run("/usr/bin/scancel", jobs);
        }
        return build.Result;
    }
}
