using System.Globalization;
using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Stages.Labels;

namespace DataForge.Stages.Layouts;

/// <summary>
/// Writes the coco layout: per split, the PNG images as <c>coco/images/SPLIT/FILE.png</c> (FILE: the new
/// SOP Instance UID, with <c>-NNNN</c> per frame of a multi-frame instance) and
/// <c>coco/annotations/SPLIT.json</c> in COCO's object-detection format: images (ids from 1 in
/// patient, study, series, instance, frame order; file_name relative to the split's image folder; the
/// pseudonym and new UIDs), annotations (ids from 1 in image order, then in the label file's box order;
/// bbox, area, iscrowd, segmentation as polygons, an RLE, or [] when the source gave none) and the
/// schema's classes but background as categories. The objects of an image are those of the boxes annotation,
/// then those of the COCO mask annotation; an object of a multi-frame image names its frame. A box that a
/// label stage published under <c>on_fail: warn</c> although it is not inside the image is clipped to the
/// image (its polygons' points too), or dropped when nothing of it is inside; each such object is listed in
/// <c>coco/report.json</c> (split, image file, annotation id, what was done). Checked before writing: every
/// annotation's image exists and its category is a class.
/// </summary>
public static class CocoLayout
{
    /// <summary>One PNG image from the PNG stage.</summary>
    public sealed record Image(StageItem Item, string Patient, string Study, string Series, string Sop, int? Frame, string Modality, int Width, int Height)
    {
        /// <summary>The image's file name in its split folder.</summary>
        public string FileName => Frame is { } f ? $"{Sop}-{f:0000}.png" : $"{Sop}.png";

        /// <summary>The key labels name the image by: SOP, or SOP/FRAME (<see cref="Place.Key"/>).</summary>
        public string Key => new Place(Patient, Study, Series, Sop, Frame).Key;
    }

    /// <summary>A box changed (clipped) or left out (dropped) because it was not inside its image.</summary>
    public sealed record Fix(string Split, string File, int Annotation, string Action, IReadOnlyList<double> Bbox);

    /// <summary>The outputs: images passed through and one annotations file per split, splits in name order.</summary>
    public static List<StageOutput> Write(IReadOnlyList<Image> images, IReadOnlyDictionary<string, IReadOnlyList<LabelBox>> boxes,
        IReadOnlyList<(int Id, string Name)> classes, Func<string, string> splitOf, CancellationToken cancellationToken)
    {
        var categories = classes.Where(c => c.Id != 0).OrderBy(c => c.Id).ToList();
        var ids = categories.Select(c => c.Id).ToHashSet();
        var outputs = new List<StageOutput>();
        var fixes = new List<Fix>();
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
                    outputs.Add(new StageOutput($"coco/images/{split.Key}/{image.FileName}", image.Item, JsonSerializer.SerializeToElement(new
                    {
                        coco_image = split.Key, pseudonym = image.Patient, study_instance_uid = image.Study, series_instance_uid = image.Series,
                        sop_instance_uid = image.Sop, modality = image.Modality, split = split.Key,
                    })));
                }
                json.WriteEndArray();
                json.WriteStartArray("annotations");
                var annotationId = 0;
                foreach (var (id, image) in placed)
                {
                    if (!boxes.TryGetValue(image.Key, out var list)) continue;
                    foreach (var original in list)
                    {
                        Check(original, image, ids);
                        var box = Inside(original, image);
                        if (box is null)
                        {
                            fixes.Add(new Fix(split.Key, image.FileName, annotationId + 1, "dropped", original.Bbox));
                            continue;
                        }
                        if (!ReferenceEquals(box, original)) fixes.Add(new Fix(split.Key, image.FileName, annotationId + 1, "clipped", original.Bbox));
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
        outputs.Add(new StageOutput("coco/report.json", Report(fixes), JsonSerializer.SerializeToElement(new { coco_report = true })));
        return outputs;
    }

    private static byte[] Report(IReadOnlyList<Fix> fixes)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteNumber("clipped", fixes.Count(f => f.Action == "clipped"));
            json.WriteNumber("dropped", fixes.Count(f => f.Action == "dropped"));
            json.WriteStartArray("boxes");
            foreach (var f in fixes)
            {
                json.WriteStartObject();
                json.WriteString("split", f.Split);
                json.WriteString("file_name", f.File);
                // The id the annotation has (clipped) or would have had (dropped) in the split's file.
                json.WriteNumber("annotation", f.Annotation);
                json.WriteString("action", f.Action);
                Numbers(json, "bbox", f.Bbox);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// The box itself when it lies inside the image; else clipped to the image (bbox, polygon points, area), or
    /// null when nothing of it is inside (or its bbox is not four finite numbers).
    /// </summary>
    private static LabelBox? Inside(LabelBox box, Image image)
    {
        var b = box.Bbox;
        if (b.Count != 4 || b.Any(v => !double.IsFinite(v))) return null;
        if (b[0] >= 0 && b[1] >= 0 && b[2] > 0 && b[3] > 0 && b[0] + b[2] <= image.Width && b[1] + b[3] <= image.Height
            && (box.Polygons ?? []).All(p => InsideRange(p, image))) return box;
        var x0 = Math.Max(0, b[0]);
        var y0 = Math.Max(0, b[1]);
        var x1 = Math.Min(image.Width, b[0] + b[2]);
        var y1 = Math.Min(image.Height, b[1] + b[3]);
        if (x1 <= x0 || y1 <= y0) return null;
        var polygons = box.Polygons?.Select(p => (IReadOnlyList<double>)p.Select((v, i) => Math.Clamp(v, 0, i % 2 == 0 ? image.Width : image.Height)).ToArray()).ToList();
        var area = box.Rle is not null ? box.Area : box.Polygons is not null ? Math.Min(box.Area, (x1 - x0) * (y1 - y0)) : (x1 - x0) * (y1 - y0);
        return box with { Bbox = [x0, y0, x1 - x0, y1 - y0], Polygons = polygons, Area = area };
    }

    private static bool InsideRange(IReadOnlyList<double> polygon, Image image) =>
        polygon.Select((v, i) => v >= 0 && v <= (i % 2 == 0 ? image.Width : image.Height)).All(x => x);

    private static void Check(LabelBox box, Image image, HashSet<int> categories)
    {
        if (!categories.Contains(box.ClassId))
            throw new LayoutException($"a box of image {image.Sop} has class id {box.ClassId}, which is not a class of labels.classes (or is background)");
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
