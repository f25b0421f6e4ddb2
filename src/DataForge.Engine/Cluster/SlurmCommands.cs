using System.Diagnostics;
using System.Globalization;

namespace DataForge.Engine.Cluster;

/// <summary>
/// The Slurm commands the coordinator runs: <c>sbatch</c>, <c>squeue</c>, <c>scancel</c>. Their arguments hold no PHI:
/// job names are <c>dataforge-STAGE</c>, the worker is given a work folder under <c>.dataforge/work/</c>.
/// </summary>
internal sealed class SlurmCommands(SlurmSettings settings)
{
    /// <summary>Array task states after which a task runs no more (<c>squeue --states=all</c> shows them until MinJobAge).</summary>
    private static readonly HashSet<string> Ended = new(StringComparer.Ordinal)
    {
        "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT",
    };

    public static bool HasEnded(string state) => Ended.Contains(state);

    /// <summary>
    /// Submits one array job of the given task ids running the worker on <paramref name="workFolder"/>, each task's output
    /// appended to <paramref name="logPattern"/> (a retry's after the attempts before it); returns the job id.
    /// </summary>
    public string Submit(string stageId, string projectFolder, string workFolder, string logPattern, IReadOnlyList<int> tasks)
    {
        var args = new List<string> { "--parsable", $"--job-name=dataforge-{stageId}", $"--chdir={projectFolder}", $"--array={Ranges(tasks)}",
            $"--cpus-per-task={settings.CpusPerTask}", $"--output={logPattern}", "--open-mode=append" };
        if (settings.Partition is { } partition) args.Add($"--partition={partition}");
        if (settings.Account is { } account) args.Add($"--account={account}");
        if (settings.TimeLimit is { } time) args.Add($"--time={time}");
        if (settings.MemPerTask is { } mem) args.Add($"--mem={mem}");
        args.AddRange(settings.SbatchFlags);
        args.Add("--wrap");
        args.Add(string.Join(' ', settings.WorkerCommand.Append("worker").Append("--work").Append(workFolder).Select(Quote)));
        var (code, stdout, stderr) = Run("sbatch", args);
        if (code != 0) throw new ClusterException($"sbatch refused the job of stage {stageId} (exit {code}): {stderr.Trim()}");
        return stdout.Trim().Split(';')[0];
    }

    /// <summary>Each array task's state by (job id, task id); a job Slurm no longer knows has none.</summary>
    public Dictionary<(string Job, int Task), string> States(IEnumerable<string> jobs)
    {
        var states = new Dictionary<(string, int), string>();
        var list = string.Join(',', jobs.Distinct());
        if (list.Length == 0) return states;
        // %F is the array's job id (what sbatch printed); %A is each task's own once it started.
        var (code, stdout, stderr) = Run("squeue", ["-h", "-r", "--states=all", $"--jobs={list}", "-o", "%F|%K|%T"]);
        // squeue refuses a list of jobs it has all forgotten: they all ended.
        if (code != 0 && stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return states;
        if (code != 0) throw new ClusterException($"squeue failed (exit {code}): {stderr.Trim()}");
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var task))
                states[(parts[0], task)] = parts[2];
        }
        return states;
    }

    /// <summary>Cancels the jobs (best effort: a job that ended is gone already).</summary>
    public void Cancel(IEnumerable<string> jobs)
    {
        var list = jobs.Distinct().ToList();
        if (list.Count > 0) Run("scancel", list);
    }

    /// <summary>"0-3,7,9-10": the task ids as sbatch --array takes them.</summary>
    internal static string Ranges(IReadOnlyList<int> tasks)
    {
        var sorted = tasks.Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    private static string Quote(string s) =>
        s.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=+:,".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";

    private (int Code, string Stdout, string Stderr) Run(string tool, IEnumerable<string> args)
    {
        var path = settings.ToolFolder is { } folder ? Path.Combine(folder, tool) : tool;
        var info = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in settings.Environment) info.Environment[name] = value;
        // sbatch's default --export=ALL copies this environment into slurmctld's state and every task.
        foreach (var name in settings.WithheldVariables) info.Environment.Remove(name);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new ClusterException($"cannot run {tool}: is Slurm installed here (execution: executor: slurm runs the build through sbatch)?");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
