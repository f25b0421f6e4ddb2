using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// The output of a cluster build's array tasks, <c>.dataforge/logs/cluster/BUILD/STAGE-TASK.log</c> (stdout and stderr
/// together, every attempt appended): kept after the work folder is removed, so a task that ended without a result can
/// still say why. Folders 0700, logs 0600 once their wave ended (Slurm creates them with the job's umask). Only the
/// last <see cref="Kept"/> builds' logs are kept: older ones are removed when a cluster build submits its first wave.
/// </summary>
internal static class TaskLogs
{
    /// <summary>How many builds' logs are kept, this one included.</summary>
    public const int Kept = 5;

    /// <summary><c>.dataforge/logs/cluster/</c>.</summary>
    public static string Root(StoreLayout layout) => Path.Combine(layout.StateRoot, "logs", "cluster");

    /// <summary>Makes the folder of build <paramref name="build"/>'s logs, after removing all but the newest <see cref="Kept"/> - 1 others.</summary>
    public static string Start(StoreLayout layout, string build)
    {
        var root = Root(layout);
        PrivateFile.CreateFolder(root);
        // Newest first by the time a log was last written in them (build ids are random).
        var older = Directory.EnumerateDirectories(root).OrderByDescending(Directory.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).Skip(Kept - 1);
        foreach (var folder in older.ToList())
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        var path = Path.Combine(root, build);
        PrivateFile.CreateFolder(path);
        return path;
    }

    /// <summary>The log of task <paramref name="task"/> of stage <paramref name="stage"/> in a build's log folder.</summary>
    public static string Of(string buildFolder, string stage, int task) => Path.Combine(buildFolder, $"{stage}-{task}.log");

    /// <summary>
    /// Why the actions of task <paramref name="task"/> of stage <paramref name="stage"/> failed once it ended without a
    /// result for the last time (<paramref name="state"/>: Slurm's, null when Slurm forgot the task). Names its log,
    /// relative to <paramref name="projectRoot"/>, only when the log exists: Slurm creates it when the task starts, so a
    /// task cancelled while pending has none, and naming a missing file would send the user looking for nothing.
    /// </summary>
    public static string Failure(string projectRoot, string buildFolder, string stage, int task, string? state, int attempts)
    {
        var ended = $"cluster task ended {state ?? "without a result"} after {(attempts == 1 ? "1 attempt" : $"{attempts} attempts")}";
        var log = Of(buildFolder, stage, task);
        return File.Exists(log)
            ? $"{ended}; its output is in {Path.GetRelativePath(projectRoot, log)}"
            : $"{ended}; it never started, so it left no output";
    }

    /// <summary>The <c>sbatch --output</c> pattern of a stage's tasks (<c>%a</c>: the array task id).</summary>
    public static string Pattern(string buildFolder, string stage) => Path.Combine(buildFolder, $"{stage}-%a.log");

    /// <summary>Makes the logs of a stage's tasks readable by their owner alone (best effort: a task may never have started).</summary>
    public static void Seal(string buildFolder, string stage)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(buildFolder)) return;
        foreach (var log in Directory.EnumerateFiles(buildFolder, $"{stage}-*.log"))
        {
            try { File.SetUnixFileMode(log, UnixFileMode.UserRead | UnixFileMode.UserWrite); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
