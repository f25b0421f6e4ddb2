using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;

namespace DataForge.Stages;

/// <summary>
/// A stage's configuration (dictionaries of strings, numbers, booleans, lists and JSON) as canonical JSON, the same
/// text <c>CanonicalJson.Parse(JsonSerializer.Serialize(value))</c> gives, built as a JSON tree instead: the
/// reflection-based serializer's first use costs every command that makes a pipeline about 25 ms of start-up
/// (a sixth of a no-op build of a small project). Values of other types are still serialized by the serializer.
/// </summary>
public static class StageConfig
{
    /// <summary>The canonical JSON of <paramref name="value"/>.</summary>
    public static CanonicalJson Canonical(object value) => CanonicalJson.Parse(ToNode(value)?.ToJsonString() ?? "null");

    /// <summary>
    /// The JSON tree the serializer would write for <paramref name="value"/>: a dictionary with string keys is an object, any
    /// other sequence (not a string) an array; a value of a type not listed here is serialized as its runtime type.
    /// </summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        JsonElement e => JsonNode.Parse(e.GetRawText()),
        JsonNode n => n.DeepClone(),
        IDictionary map when IsStringKeyed(map) => ToObject(map),
        IEnumerable list and not IDictionary => ToArray(list),
        // Enums, floats, records and anonymous objects: as the serializer writes them.
        _ => JsonNode.Parse(JsonSerializer.Serialize(value, value.GetType())),
    };

    private static bool IsStringKeyed(IDictionary map) =>
        map.GetType() is { IsGenericType: true } type && type.GetGenericArguments()[0] == typeof(string);

    private static JsonObject ToObject(IDictionary map)
    {
        var result = new JsonObject();
        foreach (DictionaryEntry entry in map) result[(string)entry.Key] = ToNode(entry.Value);
        return result;
    }

    private static JsonArray ToArray(IEnumerable list)
    {
        var result = new JsonArray();
        foreach (var item in list) result.Add(ToNode(item));
        return result;
    }
}
