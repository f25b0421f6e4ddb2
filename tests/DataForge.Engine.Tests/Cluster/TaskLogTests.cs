using Xunit;
using DataForge.Engine.Cluster;
using DataForge.Testing;

namespace DataForge.Engine.Tests.Cluster;

/// <summary>The reason a cluster task's actions fail names the task's log only when Slurm wrote one.</summary>
public sealed class TaskLogTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-tasklogs");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_failure_names_the_log_of_a_task_that_started_and_says_a_task_that_never_started_left_none()
    {
        var logs = _dir.Combine(".dataforge", "logs", "cluster", "build1");
        Directory.CreateDirectory(logs);
        // Task 0 started (Slurm made its log); task 1 was cancelled while pending: no log.
        File.WriteAllText(TaskLogs.Of(logs, "deidentify", 0), "worker: task 0: cannot read the work list\n");

        var started = TaskLogs.Failure(_dir.Path, logs, "deidentify", 0, "FAILED", 2);
        var log = Path.GetRelativePath(_dir.Path, TaskLogs.Of(logs, "deidentify", 0));
        Assert.Equal($"cluster task ended FAILED after 2 attempts; its output is in {log}", started);

        var pending = TaskLogs.Failure(_dir.Path, logs, "deidentify", 1, "CANCELLED", 1);
        Assert.StartsWith("cluster task ended CANCELLED after 1 attempt;", pending);
        Assert.Contains("never started", pending);
        Assert.DoesNotContain(".log", pending);

        // Forgotten by Slurm: no state to name.
        Assert.StartsWith("cluster task ended without a result after 3 attempts;", TaskLogs.Failure(_dir.Path, logs, "deidentify", 1, null, 3));
    }
}
