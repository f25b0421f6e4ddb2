using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Release.Changes;

/// <summary>
/// What differs between two JSON files DataForge publishes (label files and reports, splits, sidecars, the
/// de-identification report): the top-level members by name, an array's entry count when it changed.
/// Values are compared, never returned.
/// </summary>
public static class JsonContentDiff
{
    /// <summary>The changes; null when either side is not a JSON object.</summary>
    public static IReadOnlyList<ContentChange>? Compare(byte[] before, byte[] after)
    {
        JsonObject? a, b;
        try
        {
            a = JsonNode.Parse(before) as JsonObject;
            b = JsonNode.Parse(after) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (a is null || b is null) return null;
        var changes = new List<ContentChange>();
        foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var x = a[name];
            var y = b[name];
            if (JsonNode.DeepEquals(x, y)) continue;
            var how = (a.ContainsKey(name), b.ContainsKey(name)) switch
            {
                (false, _) => "absent -> present",
                (_, false) => "present -> absent",
                _ when x is JsonArray s && y is JsonArray t && s.Count != t.Count => $"{s.Count} -> {t.Count} entries",
                _ => "value changed",
            };
            changes.Add(new ContentChange(ContentChangeKinds.Json, name, how));
        }
        if (changes.Count == 0) changes.Add(new ContentChange(ContentChangeKinds.Json, "formatting", "changed (same members)"));
        return changes;
    }
}
