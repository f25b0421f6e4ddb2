using System.Text;
using System.Text.Json;

namespace DataForge.Engine.Hashing;

/// <summary>
/// A JSON document in canonical form: object members sorted by ordinal name, no insignificant
/// whitespace, strings escaped minimally, numbers as written. Two configs that mean the same
/// produce the same bytes, so the same action key.
/// </summary>
public sealed class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private CanonicalJson(string text)
    {
        Text = text;
        Hash = ContentHash.Of(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The empty object <c>{}</c>.</summary>
    public static CanonicalJson EmptyObject { get; } = new("{}");

    /// <summary>The canonical text.</summary>
    public string Text { get; }

    /// <summary>SHA-256 of the canonical UTF-8 bytes.</summary>
    public ContentHash Hash { get; }

    /// <summary>The canonical UTF-8 bytes.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(Text);

    /// <summary>A parsed copy, for stages to read.</summary>
    public JsonElement ToElement()
    {
        using var document = JsonDocument.Parse(Text);
        return document.RootElement.Clone();
    }

    /// <summary>Canonicalises JSON text; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static CanonicalJson Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return From(document.RootElement);
    }

    /// <summary>Canonicalises JSON in UTF-8.</summary>
    public static CanonicalJson Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        using var document = JsonDocument.ParseValue(ref reader);
        return From(document.RootElement);
    }

    /// <summary>Canonicalises a parsed element.</summary>
    public static CanonicalJson From(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, element);
        return new CanonicalJson(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Canonicalises any value System.Text.Json can serialise.</summary>
    public static CanonicalJson FromObject<T>(T value) => From(JsonSerializer.SerializeToElement(value));

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var value in element.EnumerateArray()) Write(writer, value);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    public override string ToString() => Text;
}
