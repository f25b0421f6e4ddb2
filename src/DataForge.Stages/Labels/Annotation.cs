using System.Text.Json;

namespace DataForge.Stages.Labels;

/// <summary>
/// One entry of <c>labels.annotations</c> bound to types, with the format and key column of the
/// labels source it names and the manifest's classes. <c>on_fail</c> defaults to exclude: an invalid
/// label is reported and not published unless the manifest says warn. <c>segments</c> (DICOM SEG only) maps a
/// segment number, label or type code to a class name.
/// </summary>
public sealed record Annotation(
    string Name,
    string Kind,
    string Level,
    string Source,
    string Format,
    string Key,
    bool Required,
    IReadOnlyList<string>? Values,
    IReadOnlyList<string>? Points,
    string OnFail,
    IReadOnlyList<(int Id, string Name)> Classes,
    IReadOnlyDictionary<string, string>? Segments = null)
{
    /// <summary>Binds one annotation; <paramref name="source"/> is its labels source as JSON (format, key).</summary>
    public static Annotation From(JsonElement annotation, JsonElement source, JsonElement? classes)
    {
        var kind = annotation.GetProperty("kind").GetString()!;
        var format = source.GetProperty("format").GetString()!;
        // COCO labels 2D images: its masks, like its boxes, are per image.
        var level = annotation.TryGetProperty("level", out var l) ? l.GetString()! : kind switch { "categorical" => "patient", "boxes" => "image", "mask" when format == "coco" => "image", _ => "series" };
        return new Annotation(
            annotation.GetProperty("name").GetString()!,
            kind,
            level,
            annotation.GetProperty("source").GetString()!,
            format,
            source.TryGetProperty("key", out var k) ? k.GetString()! : Identifiers.KeywordOf(level),
            annotation.TryGetProperty("required", out var r) && r.GetBoolean(),
            Strings(annotation, "values"),
            Strings(annotation, "points"),
            annotation.TryGetProperty("on_fail", out var f) ? f.GetString()! : "exclude",
            classes is { ValueKind: JsonValueKind.Array } c
                ? c.EnumerateArray().Select(x => (x.GetProperty("id").GetInt32(), x.GetProperty("name").GetString()!)).OrderBy(x => x.Item1).ToList()
                : [],
            annotation.TryGetProperty("segments", out var m) ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal) : null);
    }

    private static List<string>? Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToList() : null;
}
