using DataForge.Engine.Building;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// The cluster's work folders, <c>.dataforge/work/BUILD/STAGE/</c>: a <see cref="WorkList"/>, the ids of the jobs
/// submitted for it (<c>jobs</c>, one a line) and the tasks' <see cref="WorkResult"/> files (their logs are
/// <see cref="TaskLogs"/>, which outlive the folder). A coordinator
/// removes a folder once every task ended and every result is recorded; one killed mid-build leaves it, and the next
/// build records the results of the tasks that finished (their objects all in the store) before it plans.
/// </summary>
internal static class WorkFolders
{
    public const string Name = "work";

    public const string JobsFile = "jobs";

    /// <summary>What a worker checks before it runs: the stage's id, implementation version and config, as the memo has them.</summary>
    public static string FingerprintOf(StageDefinition definition) => StageMemo.FingerprintOf(definition, ActionKeys.DefinitionHash(definition));

    /// <summary>Every stage folder under <c>.dataforge/work/</c>, with the jobs submitted for it.</summary>
    public static IEnumerable<(string Folder, List<string> Jobs)> List(StoreLayout layout)
    {
        var root = Path.Combine(layout.StateRoot, Name);
        if (!Directory.Exists(root)) yield break;
        foreach (var build in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            foreach (var stage in Directory.EnumerateDirectories(build).Order(StringComparer.Ordinal))
            {
                var jobsFile = Path.Combine(stage, JobsFile);
                var jobs = File.Exists(jobsFile) ? File.ReadAllLines(jobsFile).Where(l => l.Length > 0).ToList() : [];
                yield return (stage, jobs);
            }
    }

    /// <summary>
    /// Records the results a killed coordinator left (an action whose objects are all in the store; never part of one),
    /// and removes the folders none of whose jobs Slurm still runs; each recorded action is told to <paramref name="recorded"/>
    /// (the shared action cache). Returns the number of actions recorded.
    /// </summary>
    public static int Recover(StoreLayout layout, StateDatabase db, ObjectStore objects, SlurmSettings? settings,
        Action<Hashing.ContentHash, string, IReadOnlyList<OutputRecord>>? recorded = null)
    {
        var count = 0;
        // A local build asks Slurm too (through this process's environment): a killed cluster build's jobs may still run.
        var slurm = new SlurmCommands(settings ?? new SlurmSettings { WorkerCommand = [], ManifestPath = "" });
        foreach (var (folder, jobs) in List(layout).ToList())
        {
            WorkList? list = null;
            try { list = WorkList.Read(folder); }
            catch (WorkException) { }
            for (var t = 0; list is not null && t < list.Tasks; t++)
            {
                if (WorkResult.TryRead(folder, t) is not { } result) continue;
                foreach (var action in result.Actions)
                {
                    if (action.Records() is not { } records || !records.All(r => objects.Contains(r.Object) && objects.Contains(r.Metadata))) continue;
                    var key = Hashing.ContentHash.Parse(action.Key);
                    if (db.FindAction(key) is not null) continue;
                    db.RecordAction(key, list.Stage, records);
                    recorded?.Invoke(key, list.Stage, records);
                    count++;
                }
            }
            if (!Running(slurm, jobs)) Remove(layout, folder);
        }
        return count;
    }

    /// <summary>
    /// True while Slurm still has a task of these jobs pending or running, and when Slurm cannot be asked: a folder whose
    /// tasks may still run keeps their work list and results.
    /// </summary>
    private static bool Running(SlurmCommands slurm, List<string> jobs)
    {
        if (jobs.Count == 0) return false;
        try
        {
            return slurm.States(jobs).Values.Any(s => !SlurmCommands.HasEnded(s));
        }
        catch (ClusterException)
        {
            return true;
        }
    }

    /// <summary>Removes a stage's folder, and its build's folder once empty.</summary>
    public static void Remove(StoreLayout layout, string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            var build = Path.GetDirectoryName(folder)!;
            if (!Directory.EnumerateFileSystemEntries(build).Any()) Directory.Delete(build);
            var root = Path.Combine(layout.StateRoot, Name);
            if (!Directory.EnumerateFileSystemEntries(root).Any()) Directory.Delete(root);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
