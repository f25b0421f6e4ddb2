using System.Globalization;
using System.Text.Json;

namespace DataForge.Stages.Labels;

/// <summary>
/// A COCO object-detection file as read (cocodataset.org/#format-data): images (id, file_name, width,
/// height, and any other members, one of which may carry the key the manifest names), categories
/// (id, name) and annotations (image_id, category_id, bbox [x, y, width, height] in pixels from the
/// top-left corner, segmentation as polygons or RLE, iscrowd). Nothing here is published: file names and
/// keys may be PHI, so problems name images and annotations by their number in the file.
/// </summary>
public sealed class CocoFile
{
    /// <summary>One image entry.</summary>
    public sealed record Image(long Id, int Width, int Height, JsonElement Entry);

    /// <summary>One annotation entry as read (segmentation kept as JSON).</summary>
    public sealed record Object(long Id, int Number, long ImageId, long CategoryId, double[]? Bbox, JsonElement? Segmentation, int IsCrowd);

    public required IReadOnlyDictionary<long, Image> Images { get; init; }
    public required IReadOnlyDictionary<long, string> Categories { get; init; }
    public required IReadOnlyList<Object> Annotations { get; init; }

    /// <summary>Parses a COCO file; <see cref="FormatException"/> names what is wrong (never a value from the file).</summary>
    public static CocoFile Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(utf8.ToArray()); }
        catch (JsonException e) { throw new FormatException($"not valid JSON (line {(e.LineNumber ?? 0) + 1})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("a COCO file is a JSON object");
            var images = new Dictionary<long, Image>();
            var n = 0;
            foreach (var image in Array(root, "images"))
            {
                n++;
                var id = Integer(image, "id", $"images[{n - 1}]");
                if (!images.TryAdd(id, new Image(id, (int)Integer(image, "width", $"images[{n - 1}]"), (int)Integer(image, "height", $"images[{n - 1}]"), image.Clone())))
                    throw new FormatException($"images[{n - 1}]: image id {id} is given twice");
            }
            var categories = new Dictionary<long, string>();
            n = 0;
            foreach (var category in Array(root, "categories"))
            {
                n++;
                var id = Integer(category, "id", $"categories[{n - 1}]");
                var name = category.TryGetProperty("name", out var nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString()! : throw new FormatException($"categories[{n - 1}] has no name");
                if (!categories.TryAdd(id, name)) throw new FormatException($"categories[{n - 1}]: category id {id} is given twice");
            }
            var annotations = new List<Object>();
            n = 0;
            foreach (var a in Array(root, "annotations"))
            {
                var at = $"annotations[{n}]";
                n++;
                double[]? bbox = null;
                if (a.TryGetProperty("bbox", out var b) && b.ValueKind == JsonValueKind.Array)
                {
                    if (b.GetArrayLength() != 4) throw new FormatException($"{at}: bbox has {b.GetArrayLength()} numbers, not 4 (x, y, width, height)");
                    bbox = b.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray();
                }
                JsonElement? segmentation = a.TryGetProperty("segmentation", out var s) && s.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? s.Clone() : null;
                var crowd = a.TryGetProperty("iscrowd", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
                annotations.Add(new Object(a.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt64() : n, n,
                    Integer(a, "image_id", at), Integer(a, "category_id", at), bbox, segmentation, crowd));
            }
            return new CocoFile { Images = images, Categories = categories, Annotations = annotations };
        }
    }

    /// <summary>The text of an image member (string or number), or null.</summary>
    public static string? Member(Image image, string name) =>
        image.Entry.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray()
            : throw new FormatException($"a COCO file has a '{name}' array");

    private static long Integer(JsonElement e, string name, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n
            : throw new FormatException($"{at} has no integer '{name}'");

    internal static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
