using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Release;

/// <summary>
/// Puts each file's split and categorical labels into its reviewer facts, read from the release's own
/// published files: <c>splits.json</c> (pseudonym to split and fold) and the categorical
/// <c>labels/ANNOTATION.json</c> files (value per patient, study, series or image). A label is written
/// as <c>ANNOTATION=VALUE</c>, so the diff's label distribution counts values, not annotation names.
/// Files whose content is not at hand, or not in the form DataForge writes, add nothing.
/// </summary>
public static class ItemAnnotations
{
    /// <summary>Annotates <paramref name="files"/> in place; <paramref name="read"/> gives a file's bytes or null.</summary>
    public static void Apply(IReadOnlyList<ReleaseFile> files, Func<ReleaseFile, byte[]?> read)
    {
        var splits = new Dictionary<string, (string Split, int? Fold)>(StringComparer.Ordinal);
        var labels = new List<(string Level, string Key, string Label)>();
        foreach (var file in files)
        {
            if (file.Kind == OutputKinds.Split && file.Path.EndsWith("splits.json", StringComparison.Ordinal))
                ReadSplits(read(file), splits);
            else if (file.Kind == OutputKinds.Label && IsLabelTable(file.Path))
                ReadCategorical(read(file), labels);
        }
        if (splits.Count == 0 && labels.Count == 0) return;

        var byKey = labels.GroupBy(l => (l.Level, l.Key))
            .ToDictionary(g => g.Key, g => g.Select(l => l.Label).ToList());
        foreach (var file in files)
        {
            if (file.Kind is OutputKinds.Split or OutputKinds.Label) continue;
            var item = file.Item;
            if (file.Patient is { } patient && splits.TryGetValue(patient, out var split) && item["split"] is null)
            {
                item["split"] = split.Split;
                if (split.Fold is { } fold) item["fold"] = fold;
            }
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (level, member) in Levels)
                if (ReleaseItem.Text(item, member) is { } key && byKey.TryGetValue((level, key), out var values))
                    found.UnionWith(values);
            if (found.Count > 0 && item["labels"] is null)
                item["labels"] = new JsonArray(found.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }
    }

    // Label level -> the reviewer-fact member naming the same thing.
    private static readonly (string Level, string Member)[] Levels =
        [("patient", "patient"), ("study", "study"), ("series", "series"), ("image", "instance")];

    // labels/NAME.json, not labels/NAME.report.json nor a mask under labels/NAME/.
    private static bool IsLabelTable(string path) =>
        path.StartsWith("labels/", StringComparison.Ordinal) && path.IndexOf('/', 7) < 0
        && path.EndsWith(".json", StringComparison.Ordinal) && !path.EndsWith(".report.json", StringComparison.Ordinal);

    private static void ReadSplits(byte[]? bytes, Dictionary<string, (string, int?)> splits)
    {
        if (Parse(bytes) is not { } root || root["patients"] is not JsonArray patients) return;
        foreach (var p in patients.OfType<JsonObject>())
            if (ReleaseItem.Text(p, "pseudonym") is { } pseudonym && ReleaseItem.Text(p, "split") is { } split)
                splits[pseudonym] = (split, p["fold"] is JsonValue f && f.GetValueKind() == JsonValueKind.Number ? f.GetValue<int>() : null);
    }

    private static void ReadCategorical(byte[]? bytes, List<(string, string, string)> labels)
    {
        if (Parse(bytes) is not { } root || ReleaseItem.Text(root, "kind") != "categorical") return;
        if (ReleaseItem.Text(root, "annotation") is not { } annotation || ReleaseItem.Text(root, "level") is not { } level) return;
        if (root["items"] is not JsonArray items) return;
        var member = level == "image" ? "image" : level;
        foreach (var i in items.OfType<JsonObject>())
            if (ReleaseItem.Text(i, member) is { } key && ReleaseItem.Text(i, "value") is { } value)
                labels.Add((level, key, $"{annotation}={value}"));
    }

    private static JsonObject? Parse(byte[]? bytes)
    {
        if (bytes is null) return null;
        try { return JsonNode.Parse(bytes) as JsonObject; }
        catch (JsonException) { return null; }
    }
}
