using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine;

public sealed partial class BuildEngine
{
    /// <summary>
    /// Lists the current build's published outputs with their provenance, reading only the stat
    /// cache, state.db and metadata objects: a dry run of the build (the planning of <c>status</c>,
    /// without the no-op shortcut, so every published output's action is known) over the sources as
    /// they are now. Runs no stage, writes nothing, takes no lock. Anything a build would still have to
    /// do (a new or changed source, an action not recorded, a missing object, an output file not in
    /// place) makes the listing incomplete, with the reason in <see cref="OutputListing.Problems"/>.
    /// </summary>
    public OutputListing ListOutputs(Pipeline pipeline, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        CheckJobs(options);
        if (_database.IsFile && _fs.Stat(Layout.Database) is null) return new OutputListing { Problems = ["nothing has been built yet"] };
        if (StateDatabase.Probe(_database) is { } untrusted) return new OutputListing { Problems = [$"state.db is not trusted ({untrusted}); build again"] };
        using var db = StateDatabase.Open(_database, out _);
        var objects = new ObjectStore(_fs, Layout.Objects);
        db.LoadNames(objects);
        var run = new BuildRun(_fs, Layout, db, objects, dryRun: true, options.Jobs, options.CancellationToken) { PlanEverything = true };
        run.Run(pipeline);

        var problems = new List<string>();
        foreach (var (sourceId, _, report) in run.Sources)
        {
            if (report.Added + report.Changed + report.Removed + report.Renamed > 0)
                problems.Add($"source {sourceId}: {report.Added} new, {report.Changed} changed, {report.Removed} removed, {report.Renamed} renamed file(s) since the last build");
            if (report.Unreadable.Count > 0) problems.Add($"source {sourceId}: {report.Unreadable.Count} unreadable file(s)");
        }
        foreach (var stage in run.Stages)
        {
            // In a dry run, Executed counts what would run and Failed what cannot be planned (an item with no group).
            if (stage.Executed > 0) problems.Add($"stage {stage.StageId}: {stage.Executed} action(s) not built (or failed) for the current inputs");
            if (stage.Failed > 0) problems.Add($"stage {stage.StageId}: {stage.Failed} item(s) cannot be grouped");
            if (run.Conflicts.GetValueOrDefault(stage.StageId) is > 0 and var conflicts)
                problems.Add($"stage {stage.StageId}: {conflicts} output(s) published at a path another action holds with other content");
        }

        var outputs = new List<ListedOutput>(run.PublishedActions.Count);
        foreach (var (stageId, o, action) in run.PublishedActions)
        {
            var metadata = o.Metadata == CanonicalJson.EmptyObject.Hash ? CanonicalJson.EmptyObject.ToUtf8() : objects.TryRead(o.Metadata);
            if (metadata is null) { problems.Add($"stage {stageId}: metadata object {o.Metadata.Short} is missing from the store"); continue; }
            outputs.Add(new ListedOutput(o.Path, o.Object, o.Size, stageId, action.Key, action.Inputs.Select(i => i.Hash).ToList(), o.Metadata, Encoding.UTF8.GetString(metadata)));
        }

        var materialised = db.LoadMaterialised();
        // A file changed since it was made (edited, replaced, written through) is not in place either: a build re-hashes its object first.
        var notInPlace = outputs.Count(o => !materialised.TryGetValue(o.Path, out var m) || !m.Done || m.Object != o.Object
            || run.Outputs.Moved || run.Outputs.Changed.Contains(o.Path));
        if (notInPlace > 0) problems.Add($"output folder: {notInPlace} file(s) not in place");
        var extra = materialised.Keys.Count(p => !run.Desired.ContainsKey(p));
        if (extra > 0) problems.Add($"output folder: {extra} file(s) no longer belong to the build");

        return new OutputListing
        {
            Outputs = outputs.OrderBy(o => o.Path, StringComparer.Ordinal).ToList(),
            Sources = run.Sources.SelectMany(s => s.Files.List.Select(f => new ListedSource(f.SourceId, f.RelativePath, f.Hash, f.Stat.Size)))
                .OrderBy(s => s.SourceId, StringComparer.Ordinal).ThenBy(s => s.RelativePath, StringComparer.Ordinal).ToList(),
            Problems = problems,
            LastBuildSucceeded = db.GetMeta(BuildFingerprint.Key) is not null,
        };
    }
}
