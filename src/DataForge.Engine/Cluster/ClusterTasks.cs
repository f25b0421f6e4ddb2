using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// The cluster work of a build in flight (or of one killed mid-build), for <c>status</c>: the stage waves whose work
/// folders exist, and how many of their array tasks Slurm has running and pending (null when Slurm cannot be asked).
/// </summary>
public sealed record ClusterTasks(IReadOnlyList<string> Stages, int? Running, int? Pending)
{
    /// <summary>The work folders under <c>.dataforge/work/</c> and their tasks' states, or null when there are none.</summary>
    public static ClusterTasks? Of(StoreLayout layout, IReadOnlyDictionary<string, string> environment)
    {
        var folders = WorkFolders.List(layout).ToList();
        if (folders.Count == 0) return null;
        var stages = folders.Select(f => Path.GetFileName(f.Folder)).ToList();
        var slurm = new SlurmCommands(new SlurmSettings { WorkerCommand = [], ManifestPath = "", Environment = environment });
        try
        {
            var states = slurm.States(folders.SelectMany(f => f.Jobs)).Values.ToList();
            return new ClusterTasks(stages, states.Count(s => s == "RUNNING" || s == "COMPLETING"), states.Count(s => s == "PENDING" || s == "REQUEUED"));
        }
        catch (ClusterException)
        {
            return new ClusterTasks(stages, null, null);
        }
    }
}
