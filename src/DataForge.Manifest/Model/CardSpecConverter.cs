using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataForge.Manifest.Model;

/// <summary>Binds <c>release.card</c> from a boolean or an object (the schema allows only these two forms).</summary>
public sealed class CardSpecConverter : JsonConverter<CardSpec>
{
    public override CardSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return new CardSpec();
            case JsonTokenType.False: return new CardSpec { Enabled = false };
            case JsonTokenType.StartObject:
                string? text = null;
                var thumbnails = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    reader.Read();
                    if (name == "text") text = reader.GetString();
                    else if (name == "thumbnails") thumbnails = reader.GetInt32();
                    else throw new JsonException($"release.card: unknown member '{name}'");
                }
                return new CardSpec { Text = text, Thumbnails = thumbnails };
            default: throw new JsonException("release.card: expected true, false or {text: FILE, thumbnails: N}");
        }
    }

    public override void Write(Utf8JsonWriter writer, CardSpec value, JsonSerializerOptions options)
    {
        if (value.Text is null && value.Thumbnails == 0)
        {
            writer.WriteBooleanValue(value.Enabled);
            return;
        }
        writer.WriteStartObject();
        if (value.Text is not null) writer.WriteString("text", value.Text);
        if (value.Thumbnails != 0) writer.WriteNumber("thumbnails", value.Thumbnails);
        writer.WriteEndObject();
    }
}
