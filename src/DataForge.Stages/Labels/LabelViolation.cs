using System.Text.Json;

namespace DataForge.Stages.Labels;

/// <summary>
/// One label that failed a check. <see cref="Item"/> names it without PHI: the pseudonym and new UID
/// it labels, or, for a label that names no de-identified image, the label file's content hash and row.
/// <see cref="Place"/> is null when the label could not be linked (it is never published then).
/// </summary>
public sealed record LabelViolation(string Item, string Check, string Message, Place? Place);

/// <summary>Writes <c>labels/ANNOTATION.report.json</c>: the violations and what the policy did with them.</summary>
public static class LabelReport
{
    /// <summary>The report's bytes: annotation, on_fail, counts and the violations in item order.</summary>
    public static byte[] Write(Annotation annotation, int published, IReadOnlyList<LabelViolation> violations)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("annotation", annotation.Name);
            json.WriteString("on_fail", annotation.OnFail);
            json.WriteNumber("published", published);
            json.WriteNumber("violations_count", violations.Count);
            json.WriteStartArray("violations");
            foreach (var v in violations.OrderBy(v => v.Item, StringComparer.Ordinal).ThenBy(v => v.Check, StringComparer.Ordinal).ThenBy(v => v.Message, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("item", v.Item);
                json.WriteString("check", v.Check);
                json.WriteString("message", v.Message);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
