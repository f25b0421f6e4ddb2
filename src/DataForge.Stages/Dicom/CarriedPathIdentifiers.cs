using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The identifying parts of an instance's source path (<see cref="Deidentify.PathIdentifiers"/>), for the leak gate of
/// the deidentify stage: read from the path by the stage that reads the source (it sees its inputs' paths), and carried
/// in private metadata (<see cref="Property"/>) through the stages that pass the instance on (curation, visual
/// features). A filter that keeps one of several identical files carries the union of theirs.
/// </summary>
public static class CarriedPathIdentifiers
{
    /// <summary>The metadata property holding them (only when there are some).</summary>
    public const string Property = "path_identifiers";

    /// <summary>
    /// The identifiers of an item: from its path when the stage reads a source's paths (<paramref name="readsSourcePaths"/>),
    /// with those its metadata carries.
    /// </summary>
    public static IReadOnlyList<string> Of(Engine.Stages.StageItem item, bool readsSourcePaths)
    {
        var carried = Of(item.Metadata);
        if (!readsSourcePaths || item.Path is not { } path) return carried;
        return Deidentify.PathIdentifiers.Of(path).Concat(carried).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Metadata carrying the item's identifiers (see <see cref="Of(Engine.Stages.StageItem, bool)"/>) added to <paramref name="metadata"/>.</summary>
    public static JsonElement Add(JsonElement metadata, Engine.Stages.StageItem item, bool readsSourcePaths)
    {
        var all = Of(item, readsSourcePaths);
        return all.Count == 0 ? metadata : Add(metadata, JsonSerializer.SerializeToElement(new Dictionary<string, IReadOnlyList<string>> { [Property] = all }));
    }

    /// <summary>The identifiers an item's metadata carries (none when it has no such property).</summary>
    public static IReadOnlyList<string> Of(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(Property, out var list)
            && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(v => v.GetString()).OfType<string>().ToList()
            : [];

    /// <summary>Metadata carrying the union of the items' identifiers (ordinal order), or null when they carry none.</summary>
    public static JsonElement? Carry(IEnumerable<JsonElement> from)
    {
        var all = Union(from);
        return all.Count == 0 ? null : JsonSerializer.SerializeToElement(new Dictionary<string, IReadOnlyList<string>> { [Property] = all });
    }

    /// <summary><paramref name="metadata"/> (an object) with the identifiers of <paramref name="from"/> added, or unchanged when it carries none.</summary>
    public static JsonElement Add(JsonElement metadata, JsonElement from)
    {
        var all = Union([from]);
        if (all.Count == 0) return metadata;
        var node = JsonNode.Parse(metadata.GetRawText())!.AsObject();
        node[Property] = new JsonArray(all.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        return JsonSerializer.SerializeToElement(node);
    }

    private static List<string> Union(IEnumerable<JsonElement> from)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in from) all.UnionWith(Of(m));
        return all.ToList();
    }
}
