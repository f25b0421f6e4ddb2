using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// What <c>dataforge worker</c> does on a node: reads its <see cref="WorkList"/>, refuses work for a stage whose
/// definition is not the one the coordinator planned (the manifest changed under the build) with a result that fails
/// each action, runs its shard's actions
/// through the same <see cref="ActionRunner"/> as a local build, makes their objects durable and only then writes its
/// <see cref="WorkResult"/>. It never opens state.db: the coordinator records.
/// </summary>
public static class ClusterWorker
{
    /// <summary>The manifest a work folder was planned from, relative to the project folder (the job's working folder).</summary>
    public static string ManifestOf(string workFolder) => WorkList.Read(workFolder).Manifest;

    /// <summary>
    /// Runs task <paramref name="task"/> of the work in <paramref name="workFolder"/> with <paramref name="jobs"/> actions at
    /// once; returns how many actions it ran and how many failed, or why it refused the work (the stage or a source it
    /// reads is not what the coordinator planned: the manifest changed under the build). A refused task still writes its
    /// result, each action failed with that reason: Slurm would run it again to no end, since the manifest stays changed.
    /// Throws <see cref="WorkException"/> when the work cannot run and no result can be written (no readable work list).
    /// </summary>
    public static WorkerReport Run(Pipeline pipeline, StoreLayout layout, string workFolder, int task, int jobs, CancellationToken cancellationToken)
    {
        var list = Read(workFolder, task);
        var stage = pipeline.Stages.FirstOrDefault(s => s.Definition.Id == list.Stage);
        var refusal = stage is null
            ? $"the manifest has no stage '{list.Stage}' any more: it changed after the build submitted this work; run 'dataforge build' again"
            : WorkFolders.FingerprintOf(stage.Definition) != list.Fingerprint
                ? $"stage '{list.Stage}' is not defined as when the build submitted this work (its definition fingerprint differs): " +
                  "the manifest or the tool changed under the build; run 'dataforge build' again"
                : list.Actions.SelectMany(a => a.Inputs).Select(i => i.Source).OfType<string>().FirstOrDefault(id => pipeline.Sources.All(s => s.Id != id)) is { } gone
                    ? $"the work list reads source '{gone}', which the manifest no longer has: it changed after the build submitted this work; run 'dataforge build' again"
                    : null;
        if (refusal is not null) return Refuse(list, workFolder, task, refusal);
        var fs = new PhysicalFileSystem();
        var objects = new ObjectStore(fs, layout.Objects);
        var runner = new ActionRunner(fs, objects, cancellationToken) { StatTrustedBefore = list.StatTrustedBefore };
        var config = stage!.Definition.Config.ToElement();
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
        return new WorkerReport(length, results.Count(r => r.Outputs is null), null);
    }

    /// <summary>
    /// Refuses task <paramref name="task"/> of the work in <paramref name="workFolder"/> for <paramref name="reason"/> (a
    /// project that no longer opens as planned: a manifest changed to one that does not validate, a secret that changed):
    /// writes its result with every action failed for that reason. The reason names no PHI.
    /// </summary>
    public static WorkerReport Refuse(string workFolder, int task, string reason) => Refuse(Read(workFolder, task), workFolder, task, reason);

    private static WorkerReport Refuse(WorkList list, string workFolder, int task, string reason)
    {
        var (start, length) = list.Shard(task).GetOffsetAndLength(list.Actions.Count);
        var actions = list.Actions.Skip(start).Take(length).Select(a => new ActionResult { Key = a.Key, Failure = reason }).ToList();
        new WorkResult { Task = task, Actions = actions }.Write(workFolder);
        return new WorkerReport(0, length, reason);
    }

    private static WorkList Read(string workFolder, int task)
    {
        var list = WorkList.Read(workFolder);
        if (task < 0 || task >= list.Tasks) throw new WorkException($"task {task} is not one of the {list.Tasks} tasks of this work list");
        return list;
    }
}

