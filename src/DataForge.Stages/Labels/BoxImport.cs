using System.Text.Json;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Labels;

/// <summary>
/// Boxes from COCO files (<see cref="CocoFile"/>), per image. Each COCO image is matched to a
/// de-identified instance by the source's <c>key</c>: the image's member of that name (e.g.
/// <c>SOPInstanceUID</c>), else, for a UID key, its <c>file_name</c> without folders and extension; a frame of a
/// multi-frame instance by the image's <c>frame</c> member or a <c>-NNNN</c> file name suffix (see <see cref="Locate"/>); an image
/// of an image source by its <c>file_name</c>, the path relative to the source folder (<see cref="Identifiers.ResolveImageFile"/>);
/// the original UID is carried to the new one in the private zone (<see cref="Identifiers"/>).
/// Checks: the category's name is a class of the schema (not background) with the same id; the COCO
/// image's size is the instance's; the box (given, or the extent of the segmentation) is finite, not
/// empty and inside the image; polygons inside the image; an RLE the image's size. A box without bbox
/// takes its segmentation's extent; area is the RLE's pixel count, the polygons' area (shoelace), or
/// the box's.
/// </summary>
public static class BoxImport
{
    /// <summary>Rows and columns of every de-identified instance, by new SOP Instance UID.</summary>
    public static Dictionary<string, (int Rows, int Columns)> Sizes(IEnumerable<StageItem> items)
    {
        var sizes = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var m = item.Metadata;
            if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("pseudonym", out _) && m.TryGetProperty("sop_instance_uid", out var sop)
                && sop.ValueKind == JsonValueKind.String && m.TryGetProperty("rows", out var r) && r.ValueKind == JsonValueKind.Number
                && m.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Number)
                sizes.TryAdd(sop.GetString()!, (r.GetInt32(), c.GetInt32()));
        }
        return sizes;
    }

    /// <summary>Reads every COCO file of the source; adds one entry per labelled image and the violations.</summary>
    public static void Read(Annotation a, IEnumerable<StageItem> files, Identifiers ids, IReadOnlyDictionary<string, (int Rows, int Columns)> sizes,
        List<(LabelEntry Entry, Place Place)> entries, List<LabelViolation> violations)
    {
        if (a.Level != "image") throw new FormatException("boxes are labelled per image (level: image)");
        var classes = a.Classes.ToDictionary(c => c.Name, c => c.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in files.Where(f => f.Path!.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
        {
            CocoFile coco;
            try { coco = CocoFile.Parse(item.ReadAllBytes()); }
            catch (FormatException e) { throw new FormatException($"COCO file {item.Hash.Short}: {e.Message}"); }
            var byImage = coco.Annotations.GroupBy(o => o.ImageId).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var orphan in coco.Annotations.Where(o => !coco.Images.ContainsKey(o.ImageId)))
                violations.Add(new LabelViolation($"{item.Hash.Short}#annotation{orphan.Number}", "link", "the annotation's image_id names no image of the COCO file", null));
            foreach (var image in coco.Images.Values.OrderBy(i => i.Id))
            {
                var where = $"{item.Hash.Short}#image{image.Id}";
                var place = Locate(image, a.Key, ids, where, violations);
                if (place is null) continue;
                var name = $"{place.Patient}/{place.Key}";
                if (!seen.Add(place.Key))
                {
                    violations.Add(new LabelViolation(name, "conflict", $"two COCO images ({where} and an earlier one) name the same image", place));
                    continue;
                }
                if (sizes.TryGetValue(place.Image!, out var size) && (size.Rows != image.Height || size.Columns != image.Width))
                    violations.Add(new LabelViolation(name, "geometry", $"the COCO image is {image.Width}x{image.Height}, the image {size.Columns}x{size.Rows}", place));
                var boxes = new List<LabelBox>();
                foreach (var o in byImage.GetValueOrDefault(image.Id) ?? [])
                {
                    var box = Box(o, image, coco, classes, name, place, violations);
                    if (box is not null) boxes.Add(box);
                }
                entries.Add((new LabelEntry { Patient = place.Patient, Study = place.Study, Series = place.Series, Image = place.Image, Frame = place.Frame, Boxes = boxes }, place));
            }
        }
    }

    /// <summary>
    /// The de-identified image (and frame) a COCO image names, or null with a link violation. The frame (from 1) is
    /// the image's <c>frame</c> member, or the <c>-NNNN</c> suffix of a file name that names no instance whole (as the
    /// png and coco layouts name frames); it must be one of the instance's frames.
    /// </summary>
    private static Place? Locate(CocoFile.Image image, string key, Identifiers ids, string where, List<LabelViolation> violations)
    {
        int? frame = null;
        if (CocoFile.Member(image, "frame") is { } f)
        {
            if (!int.TryParse(f, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                violations.Add(new LabelViolation(where, "link", "the COCO image's frame is not a frame number (from 1)", null));
                return null;
            }
            frame = n;
        }
        var original = KeyOf(image, key);
        var place = original is null ? null : ids.Resolve("image", original, null);
        if (place is null && frame is null && original is not null && System.Text.RegularExpressions.Regex.Match(original, @"^(.+)-([0-9]{1,6})$") is { Success: true } m
            && ids.Resolve("image", m.Groups[1].Value, null) is { } multi)
        {
            place = multi;
            frame = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        // An image of an image source, named by its path relative to the source folder.
        if (place is null && CocoFile.Member(image, "file_name") is { Length: > 0 } file) place = ids.ResolveImageFile(file) ?? ids.ResolveImageId(file);
        if (place is null)
        {
            violations.Add(new LabelViolation(where, "link", $"the COCO image names no de-identified image (key {key})", null));
            return null;
        }
        var frames = ids.FrameCounts(place.Image!);
        var most = frames.Count > 0 ? frames.Max() : 1;
        if (frame is { } asked)
        {
            if (asked > most)
            {
                violations.Add(new LabelViolation($"{place.Patient}/{place.Image}", "link", $"the COCO image ({where}) names frame {asked} of an image of {most} frames", null));
                return null;
            }
            // A single-frame image's frame 1 is the image itself.
            if (asked > 1 || !frames.Contains(1)) place = place with { Frame = asked };
        }
        else if (!frames.Contains(1) && most > 1)
        {
            violations.Add(new LabelViolation($"{place.Patient}/{place.Image}", "link", $"the COCO image ({where}) names a multi-frame image of {most} frames but no frame (give 'frame' or name the file SOP-NNNN)", null));
            return null;
        }
        return place;
    }

    private static string? KeyOf(CocoFile.Image image, string key)
    {
        if (CocoFile.Member(image, key) is { Length: > 0 } value) return value;
        if (!key.EndsWith("UID", StringComparison.Ordinal) || CocoFile.Member(image, "file_name") is not { Length: > 0 } file) return null;
        var name = file.Replace('\\', '/').Split('/')[^1];
        foreach (var ext in new[] { ".png", ".jpg", ".jpeg", ".dcm", ".tif", ".tiff" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return name[..^ext.Length];
        return name;
    }

    private static LabelBox? Box(CocoFile.Object o, CocoFile.Image image, CocoFile coco, Dictionary<string, int> classes, string name, Place place,
        List<LabelViolation> violations)
    {
        var at = $"annotation {o.Number}";
        void Fail(string check, string message) => violations.Add(new LabelViolation(name, check, $"{at}: {message}", place));
        // Category names are the file's text: quoted only when they are a class of the schema.
        if (!coco.Categories.TryGetValue(o.CategoryId, out var category)) { Fail("class", $"category_id {o.CategoryId} is not a category of the COCO file"); return null; }
        if (!classes.TryGetValue(category, out var classId)) { Fail("class", $"category {o.CategoryId} is not a class of the schema"); return null; }
        if (classId == 0) { Fail("class", $"category '{category}' is the background class 0"); return null; }
        if (classId != o.CategoryId) Fail("class", $"category '{category}' has id {o.CategoryId} in the COCO file and {classId} in the schema");

        List<IReadOnlyList<double>>? polygons = null;
        LabelRle? rle = null;
        double? area = null;
        double[]? extent = null;
        if (o.Segmentation is { } s)
        {
            try
            {
                if (s.ValueKind == JsonValueKind.Array)
                {
                    polygons = s.EnumerateArray().Select(p => (IReadOnlyList<double>)p.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray()).ToList();
                    if (polygons.Any(p => p.Count < 6 || p.Count % 2 != 0)) { Fail("values", "a polygon needs at least three x, y pairs"); return null; }
                    if (polygons.Any(p => p.Any(v => !double.IsFinite(v)))) { Fail("values", "a polygon has a missing or non-finite coordinate"); return null; }
                    if (polygons.Any(p => p.Where((_, i) => i % 2 == 0).Any(x => x < 0 || x > image.Width) || p.Where((_, i) => i % 2 == 1).Any(y => y < 0 || y > image.Height)))
                        Fail("inside", "a polygon point lies outside the image");
                    var xs = polygons.SelectMany(p => p.Where((_, i) => i % 2 == 0)).ToList();
                    var ys = polygons.SelectMany(p => p.Where((_, i) => i % 2 == 1)).ToList();
                    extent = [xs.Min(), ys.Min(), xs.Max() - xs.Min(), ys.Max() - ys.Min()];
                    area = polygons.Sum(CocoPolygon.Area);
                }
                else
                {
                    var size = s.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                    if (size.Length != 2 || size[0] != image.Height || size[1] != image.Width) { Fail("geometry", $"the RLE's size is not the image's [{image.Height}, {image.Width}]"); return null; }
                    var counts = s.GetProperty("counts");
                    var runs = counts.ValueKind == JsonValueKind.String ? CocoRle.Decode(counts.GetString()!) : counts.EnumerateArray().Select(v => v.GetInt64()).ToArray();
                    var mask = CocoRle.ToMask(runs, size[0], size[1]);
                    extent = CocoRle.Bounds(mask, size[0], size[1]);
                    if (extent is null) { Fail("values", "the RLE mask is empty"); return null; }
                    area = mask.Count(b => b != 0);
                    rle = new LabelRle(size, CocoRle.Encode(CocoRle.FromMask(mask, size[0], size[1])));
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException or OverflowException)
            {
                Fail("format", "the segmentation is neither polygons nor an RLE: " + e.Message);
                return null;
            }
        }
        var bbox = o.Bbox ?? extent;
        if (bbox is null) { Fail("values", "the annotation has neither bbox nor segmentation"); return null; }
        if (bbox.Any(v => !double.IsFinite(v))) { Fail("values", "the bbox has a missing or non-finite number"); return null; }
        if (bbox[2] <= 0 || bbox[3] <= 0) Fail("values", $"the bbox is empty (width {CocoFile.Number(bbox[2])}, height {CocoFile.Number(bbox[3])})");
        if (bbox[0] < 0 || bbox[1] < 0 || bbox[0] + bbox[2] > image.Width || bbox[1] + bbox[3] > image.Height)
            Fail("inside", $"the bbox [{string.Join(", ", bbox.Select(CocoFile.Number))}] is not inside the {image.Width}x{image.Height} image");
        return new LabelBox
        {
            Class = category,
            ClassId = classId,
            Bbox = bbox,
            Area = area ?? bbox[2] * bbox[3],
            IsCrowd = o.IsCrowd,
            Polygons = polygons,
            Rle = rle,
        };
    }
}
