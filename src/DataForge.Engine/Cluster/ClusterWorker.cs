using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// What <c>dataforge worker</c> does on a node: reads its <see cref="WorkList"/>, refuses work for a stage whose
/// definition is not the one the coordinator planned (the manifest changed under the build), runs its shard's actions
/// through the same <see cref="ActionRunner"/> as a local build, makes their objects durable and only then writes its
/// <see cref="WorkResult"/>. It never opens state.db: the coordinator records.
/// </summary>
public static class ClusterWorker
{
    /// <summary>The manifest a work folder was planned from, relative to the project folder (the job's working folder).</summary>
    public static string ManifestOf(string workFolder) => WorkList.Read(workFolder).Manifest;

    /// <summary>
    /// Runs task <paramref name="task"/> of the work in <paramref name="workFolder"/> with <paramref name="jobs"/> actions at
    /// once; returns how many actions it ran and how many failed. Throws <see cref="WorkException"/> when the work cannot run.
    /// </summary>
    public static (int Actions, int Failed) Run(Pipeline pipeline, StoreLayout layout, string workFolder, int task, int jobs, CancellationToken cancellationToken)
    {
        var list = WorkList.Read(workFolder);
        if (task < 0 || task >= list.Tasks) throw new WorkException($"task {task} is not one of the {list.Tasks} tasks of this work list");
        var stage = pipeline.Stages.FirstOrDefault(s => s.Definition.Id == list.Stage)
                    ?? throw new WorkException($"the manifest has no stage '{list.Stage}' any more: it changed after the build submitted this work; run 'dataforge build' again");
        if (WorkFolders.FingerprintOf(stage.Definition) != list.Fingerprint)
            throw new WorkException($"stage '{list.Stage}' is not defined as when the build submitted this work (its definition fingerprint differs): " +
                                    "the manifest or the tool changed under the build; run 'dataforge build' again");
        var fs = new PhysicalFileSystem();
        var objects = new ObjectStore(fs, layout.Objects);
        var runner = new ActionRunner(fs, objects, cancellationToken) { StatTrustedBefore = list.StatTrustedBefore };
        var config = stage.Definition.Config.ToElement();
        var (start, length) = list.Shard(task).GetOffsetAndLength(list.Actions.Count);
        var results = new ActionResult[length];
        Parallel.For(0, length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs), CancellationToken = cancellationToken }, n =>
        {
            var work = list.Actions[start + n];
            var action = work.ToPlanned(pipeline.Sources);
            var (outputs, failure, missing) = runner.Run(stage, action, config);
            results[n] = new ActionResult
            {
                Key = work.Key,
                Outputs = outputs?.Select(WorkOutput.Of).ToList(),
                Failure = outputs is null ? failure : null,
                MissingInput = missing,
            };
        });
        // The objects first, durable; then the result that names them.
        objects.MakeDurable();
        new WorkResult { Task = task, Actions = [.. results] }.Write(workFolder);
        return (length, results.Count(r => r.Outputs is null));
    }
}
