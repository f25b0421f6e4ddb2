using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The identifying parts of an instance's source path (<see cref="DicomScreenStage.PathIdentifiersProperty"/>), carried
/// in private metadata from the screen through the stages that pass the instance on (curation, visual features) to the
/// leak gate of the deidentify stage. A filter that keeps one of several identical files carries the union of theirs.
/// </summary>
public static class CarriedPathIdentifiers
{
    /// <summary>The identifiers an item's metadata carries (none when it has no such property).</summary>
    public static IReadOnlyList<string> Of(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(DicomScreenStage.PathIdentifiersProperty, out var list)
            && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(v => v.GetString()).OfType<string>().ToList()
            : [];

    /// <summary>Metadata carrying the union of the items' identifiers (ordinal order), or null when they carry none.</summary>
    public static JsonElement? Carry(IEnumerable<JsonElement> from)
    {
        var all = Union(from);
        return all.Count == 0 ? null : JsonSerializer.SerializeToElement(new Dictionary<string, IReadOnlyList<string>> { [DicomScreenStage.PathIdentifiersProperty] = all });
    }

    /// <summary><paramref name="metadata"/> (an object) with the identifiers of <paramref name="from"/> added, or unchanged when it carries none.</summary>
    public static JsonElement Add(JsonElement metadata, JsonElement from)
    {
        var all = Union([from]);
        if (all.Count == 0) return metadata;
        var node = JsonNode.Parse(metadata.GetRawText())!.AsObject();
        node[DicomScreenStage.PathIdentifiersProperty] = new JsonArray(all.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        return JsonSerializer.SerializeToElement(node);
    }

    private static List<string> Union(IEnumerable<JsonElement> from)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in from) all.UnionWith(Of(m));
        return all.ToList();
    }
}
