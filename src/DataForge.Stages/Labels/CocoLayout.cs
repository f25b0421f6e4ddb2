using System.Globalization;
using System.Text.Json;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Labels;

/// <summary>
/// Writes the coco layout: per split, the PNG images as <c>coco/images/SPLIT/FILE.png</c> (FILE: the new
/// SOP Instance UID, with <c>-NNNN</c> per frame of a multi-frame instance) and
/// <c>coco/annotations/SPLIT.json</c> in COCO's object-detection format: images (ids from 1 in
/// patient, study, series, instance, frame order; file_name relative to the split's image folder; the
/// pseudonym and new UIDs), annotations (ids from 1 in image order, then in the label file's box order;
/// bbox, area, iscrowd, segmentation as polygons, an RLE, or [] when the source gave none) and the
/// schema's classes but background as categories. Boxes are on single-frame images only (a box names an
/// instance, not a frame). Checked before writing: every annotation's image exists, its category is a
/// class, its bbox lies inside the image.
/// </summary>
public static class CocoLayout
{
    /// <summary>One PNG image from the PNG stage.</summary>
    public sealed record Image(StageItem Item, string Patient, string Study, string Series, string Sop, int? Frame, string Modality, int Width, int Height)
    {
        /// <summary>The image's file name in its split folder.</summary>
        public string FileName => Frame is { } f ? $"{Sop}-{f:0000}.png" : $"{Sop}.png";
    }

    /// <summary>The outputs: images passed through and one annotations file per split, splits in name order.</summary>
    public static List<StageOutput> Write(IReadOnlyList<Image> images, IReadOnlyDictionary<string, IReadOnlyList<LabelBox>> boxes,
        IReadOnlyList<(int Id, string Name)> classes, Func<string, string> splitOf, CancellationToken cancellationToken)
    {
        var categories = classes.Where(c => c.Id != 0).OrderBy(c => c.Id).ToList();
        var ids = categories.Select(c => c.Id).ToHashSet();
        var outputs = new List<StageOutput>();
        var ordered = images.OrderBy(i => i.Patient, StringComparer.Ordinal).ThenBy(i => i.Study, StringComparer.Ordinal)
            .ThenBy(i => i.Series, StringComparer.Ordinal).ThenBy(i => i.Sop, StringComparer.Ordinal).ThenBy(i => i.Frame ?? 0);
        foreach (var split in ordered.GroupBy(i => splitOf(i.Patient)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteStartObject("info");
                json.WriteString("description", "DataForge coco layout");
                json.WriteString("split", split.Key);
                json.WriteEndObject();
                json.WriteStartArray("licenses");
                json.WriteEndArray();
                json.WriteStartArray("images");
                var imageId = 0;
                var placed = new List<(int Id, Image Image)>();
                foreach (var image in split)
                {
                    placed.Add((++imageId, image));
                    json.WriteStartObject();
                    json.WriteNumber("id", imageId);
                    json.WriteString("file_name", image.FileName);
                    json.WriteNumber("width", image.Width);
                    json.WriteNumber("height", image.Height);
                    json.WriteString("pseudonym", image.Patient);
                    json.WriteString("study_instance_uid", image.Study);
                    json.WriteString("series_instance_uid", image.Series);
                    json.WriteString("sop_instance_uid", image.Sop);
                    if (image.Frame is { } f) json.WriteNumber("frame", f);
                    json.WriteString("modality", image.Modality);
                    json.WriteEndObject();
                    outputs.Add(new StageOutput($"coco/images/{split.Key}/{image.FileName}", image.Item, JsonSerializer.SerializeToElement(new { coco_image = split.Key })));
                }
                json.WriteEndArray();
                json.WriteStartArray("annotations");
                var annotationId = 0;
                foreach (var (id, image) in placed)
                {
                    if (image.Frame is not null || !boxes.TryGetValue(image.Sop, out var list)) continue;
                    foreach (var box in list)
                    {
                        Check(box, image, ids);
                        json.WriteStartObject();
                        json.WriteNumber("id", ++annotationId);
                        json.WriteNumber("image_id", id);
                        json.WriteNumber("category_id", box.ClassId);
                        Numbers(json, "bbox", box.Bbox);
                        json.WritePropertyName("area");
                        json.WriteRawValue(Number(box.Area));
                        json.WriteNumber("iscrowd", box.IsCrowd);
                        Segmentation(json, box);
                        json.WriteEndObject();
                    }
                }
                json.WriteEndArray();
                json.WriteStartArray("categories");
                foreach (var (id, name) in categories)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", id);
                    json.WriteString("name", name);
                    json.WriteString("supercategory", "object");
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
            outputs.Add(new StageOutput($"coco/annotations/{split.Key}.json", buffer.ToArray(), JsonSerializer.SerializeToElement(new { coco_annotations = split.Key })));
        }
        return outputs;
    }

    private static void Check(LabelBox box, Image image, HashSet<int> categories)
    {
        if (!categories.Contains(box.ClassId))
            throw new LayoutException($"a box of image {image.Sop} has class id {box.ClassId}, which is not a class of labels.classes (or is background)");
        var b = box.Bbox;
        if (b.Count != 4 || b.Any(v => !double.IsFinite(v)) || b[0] < 0 || b[1] < 0 || b[2] <= 0 || b[3] <= 0 || b[0] + b[2] > image.Width || b[1] + b[3] > image.Height)
            throw new LayoutException($"a box of image {image.Sop} is not inside the {image.Width}x{image.Height} image (on_fail: warn published it; use exclude)");
    }

    private static void Segmentation(Utf8JsonWriter json, LabelBox box)
    {
        json.WritePropertyName("segmentation");
        if (box.Rle is { } rle)
        {
            json.WriteStartObject();
            json.WriteStartArray("size");
            foreach (var s in rle.Size) json.WriteNumberValue(s);
            json.WriteEndArray();
            json.WriteString("counts", rle.Counts);
            json.WriteEndObject();
            return;
        }
        json.WriteStartArray();
        foreach (var polygon in box.Polygons ?? [])
        {
            json.WriteStartArray();
            foreach (var v in polygon) json.WriteRawValue(Number(v));
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteRawValue(Number(v));
        json.WriteEndArray();
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
