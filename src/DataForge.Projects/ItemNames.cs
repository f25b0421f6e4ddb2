using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Planning;

namespace DataForge.Projects;

/// <summary>
/// Names for the items a status lists, as people think of them: the pseudonym, the de-identified series (its UID's
/// last digits) and the instance number, read from what the last build made of each item (the metadata of its
/// slot's previous outputs, which hold only what the policy published). An item the store has not seen, or whose
/// outputs carry no pseudonym, keeps its reference alone.
/// </summary>
public static class ItemNames
{
    /// <summary>Digits of a series UID shown (enough to tell the series of a study apart).</summary>
    public const int SeriesDigits = 8;

    /// <summary>A name per item label of <paramref name="explanations"/> that the store can name.</summary>
    public static IReadOnlyDictionary<string, string> Of(BuildEngine engine, IEnumerable<Explanation> explanations, BuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(explanations);
        var list = explanations.Where(e => e.Previous is not null).ToList();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (list.Count == 0) return names;
        var metadata = engine.PreviousMetadata(list.Select(e => e.Previous!.Value), options);
        foreach (var e in list)
        {
            if (names.ContainsKey(e.Item) || !metadata.TryGetValue(e.Previous!.Value, out var objects)) continue;
            foreach (var hash in objects)
                if (engine.ReadObject(hash) is { } bytes && Name(bytes) is { } name)
                {
                    names[e.Item] = name;
                    break;
                }
        }
        return names;
    }

    /// <summary>The name an output's metadata gives its item ("PSEUDONYM / series ...DIGITS / instance N"), or null without a pseudonym.</summary>
    public static string? Name(byte[] metadataJson)
    {
        try
        {
            var root = JsonDocument.Parse(metadataJson).RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "pseudonym") is not { } pseudonym) return null;
            var name = pseudonym;
            if (Text(root, "series_instance_uid") is { } series)
                name += $" / series {(series.Length > SeriesDigits ? "..." + series[^SeriesDigits..] : series)}";
            if (root.TryGetProperty("instance_number", out var n) && n.ValueKind == JsonValueKind.Number) name += $" / instance {n.GetRawText()}";
            return name;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
