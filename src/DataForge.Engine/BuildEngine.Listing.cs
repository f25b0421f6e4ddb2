using System.Text;
using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Indexing;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine;

public sealed partial class BuildEngine
{
    /// <summary>
    /// Lists the current build's published outputs with their provenance, reading only the stat
    /// cache, state.db and metadata objects: it replays the pipeline's planning (same action keys as
    /// a build) over the sources as they are now and looks every action up in the cache. Runs no
    /// stage, writes nothing, takes no lock. Anything a build would still have to do (a new or changed
    /// source, an action not recorded, a missing object, an output file not in place) makes the
    /// listing incomplete, with the reason in <see cref="OutputListing.Problems"/>.
    /// </summary>
    public OutputListing ListOutputs(Pipeline pipeline, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        CheckJobs(options);
        var problems = new List<string>();
        if (_database.IsFile && _fs.Stat(Layout.Database) is null) return new OutputListing { Problems = ["nothing has been built yet"] };
        if (StateDatabase.Probe(_database) is { } untrusted) return new OutputListing { Problems = [$"state.db is not trusted ({untrusted}); build again"] };
        using var db = StateDatabase.Open(_database, out _);
        var objects = new ObjectStore(_fs, Layout.Objects);
        db.LoadNames(objects);

        var items = new Dictionary<string, List<Item>>(StringComparer.Ordinal);
        var sources = new List<ListedSource>();
        var indexer = new Indexer(_fs, db);
        string[] skip = [Layout.StateRoot, Layout.OutputRoot];
        foreach (var source in pipeline.Sources)
        {
            var (files, report) = indexer.Index(source, skip, record: false, options.Jobs, options.CancellationToken);
            if (report.Added + report.Changed + report.Removed + report.Renamed > 0)
                problems.Add($"source {source.Id}: {report.Added} new, {report.Changed} changed, {report.Removed} removed, {report.Renamed} renamed file(s) since the last build");
            if (report.Unreadable.Count > 0) problems.Add($"source {source.Id}: {report.Unreadable.Count} unreadable file(s)");
            items[source.Id] = files.Select(f => new Item($"source:{f.SourceId}/{f.RelativePath}", $"{f.SourceId}:{f.RelativePath}",
                f.RelativePath, f.Hash, f.Stat.Size, CanonicalJson.EmptyObject.Hash, null, f.FullPath)).ToList();
            sources.AddRange(files.Select(f => new ListedSource(f.SourceId, f.RelativePath, f.Hash, f.Stat.Size)));
        }

        var outputs = new Dictionary<string, ListedOutput>(StringComparer.Ordinal);
        foreach (var stage in pipeline.Stages)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            var def = stage.Definition;
            var definitionHash = ActionKeys.DefinitionHash(def);
            var recorded = db.LoadOutputsOfSlots(def.Id);
            var produced = new List<Item>();
            int missing = 0, ungrouped = 0;
            foreach (var (slot, inputs, groupKeyHash) in PlanForListing(def, db, objects, def.Inputs.SelectMany(id => items[id].Where(i => def.Reads(id, i.Path))).ToList(), ref ungrouped))
            {
                var key = ActionKeys.Key(def, definitionHash, ActionKeys.InputsHash(def, inputs, groupKeyHash));
                var records = recorded.GetValueOrDefault(key) ?? db.FindAction(key);
                if (records is null || (def.Publish && !records.All(o => objects.Contains(o.Object)))) { missing++; continue; }
                var inputHashes = inputs.Select(i => i.Hash).ToList();
                foreach (var o in records)
                {
                    produced.Add(StageRun.OutputItem(def.Id, slot, o, key, inputs, objects));
                    if (!def.Publish) continue;
                    if (outputs.TryGetValue(o.Path, out var taken))
                    {
                        if (taken.Object != o.Object) problems.Add($"stage {def.Id}: two actions publish different content at one output path");
                        continue;
                    }
                    var metadata = o.Metadata == CanonicalJson.EmptyObject.Hash ? CanonicalJson.EmptyObject.ToUtf8() : objects.TryRead(o.Metadata);
                    if (metadata is null) { problems.Add($"stage {def.Id}: metadata object {o.Metadata.Short} is missing from the store"); continue; }
                    outputs[o.Path] = new ListedOutput(o.Path, o.Object, o.Size, def.Id, key, inputHashes, o.Metadata, Encoding.UTF8.GetString(metadata));
                }
            }
            if (missing > 0) problems.Add($"stage {def.Id}: {missing} action(s) not built (or failed) for the current inputs");
            if (ungrouped > 0) problems.Add($"stage {def.Id}: {ungrouped} item(s) cannot be grouped");
            items[def.Id] = produced;
        }

        var materialised = db.LoadMaterialised();
        var notInPlace = outputs.Values.Count(o => !materialised.TryGetValue(o.Path, out var m) || !m.Done || m.Object != o.Object);
        if (notInPlace > 0) problems.Add($"output folder: {notInPlace} file(s) not in place");
        var extra = materialised.Keys.Count(p => !outputs.ContainsKey(p));
        if (extra > 0) problems.Add($"output folder: {extra} file(s) no longer belong to the build");

        return new OutputListing
        {
            Outputs = outputs.Values.OrderBy(o => o.Path, StringComparer.Ordinal).ToList(),
            Sources = sources.OrderBy(s => s.SourceId, StringComparer.Ordinal).ThenBy(s => s.RelativePath, StringComparer.Ordinal).ToList(),
            Problems = problems,
            LastBuildSucceeded = db.GetMeta(BuildFingerprint.Key) is not null,
        };
    }

    /// <summary>The actions of a stage as a build plans them (see StageRun): slot, ordered inputs, group key hash.</summary>
    private static List<(string Slot, List<Item> Inputs, string? GroupKeyHash)> PlanForListing(
        StageDefinition def, StateDatabase db, ObjectStore objects, List<Item> inputs, ref int ungrouped)
    {
        switch (def.Shape)
        {
            case StageShape.Map:
                return inputs.Select(i => (ActionKeys.SlotOf(i.Identity), new List<Item> { i }, (string?)null)).ToList();
            case StageShape.Reduce:
                return [(ActionKeys.SlotOf("reduce"), ActionKeys.Order(def, inputs), null)];
        }
        var property = def.GroupBy!;
        var known = db.LoadGroupKeys(property);
        var groups = new SortedDictionary<string, List<Item>>(StringComparer.Ordinal);
        foreach (var item in inputs)
        {
            if (!known.TryGetValue(item.Metadata, out var keyHash))
            {
                var bytes = item.Metadata == CanonicalJson.EmptyObject.Hash ? CanonicalJson.EmptyObject.ToUtf8() : objects.TryRead(item.Metadata);
                if (bytes is null) { ungrouped++; continue; }
                using var document = JsonDocument.Parse(bytes);
                var root = document.RootElement;
                keyHash = root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var value)
                          && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                    ? ContentHash.Of(Encoding.UTF8.GetBytes(CanonicalJson.From(value).Text)).Hex
                    : "";
                known[item.Metadata] = keyHash;
            }
            if (keyHash.Length == 0) { ungrouped++; continue; }
            if (!groups.TryGetValue(keyHash, out var members)) groups[keyHash] = members = [];
            members.Add(item);
        }
        return groups.Select(g => (ActionKeys.SlotOf($"group:{g.Key}"), ActionKeys.Order(def, g.Value), (string?)g.Key)).ToList();
    }
}
