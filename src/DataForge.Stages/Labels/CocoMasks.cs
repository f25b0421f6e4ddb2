using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Labels;

/// <summary>
/// Mask annotations from COCO files (<c>kind: mask</c>, labels source <c>format: coco</c>), labelled per image.
/// The COCO images and objects are read, linked and checked as boxes are (<see cref="BoxImport"/>: a frame of a
/// multi-frame instance included); each image's objects are drawn into one class map: polygons as pycocotools
/// draws them (<see cref="CocoPolygon"/>), RLEs decoded (<see cref="CocoRle"/>), the union of an object's parts.
/// Overlapping objects of different classes are an <c>overlap</c> violation (under <c>on_fail: warn</c> the object
/// that comes first in the file keeps the pixel, as the lower segment does in a SEG); an object without a
/// segmentation is a <c>values</c> violation. When the pipeline builds volumes, the class maps of a series' images
/// are placed on its volume grid by each image's (or frame's) plane, as a SEG frame is
/// (<see cref="SegImport"/>), and published like any mask: <c>labels/ANNOTATION/PSEUDONYM/SERIES.nii.gz</c>
/// (checked by <see cref="MaskImport"/>). The label file keeps one item per image with its objects (boxes) and
/// the series' mask, so the coco layout writes them as segmentations.
/// </summary>
public static class CocoMasks
{
    /// <summary>
    /// Reads the COCO files; adds entries (one per image), published masks and violations. <paramref name="volumes"/>
    /// holds the series volumes by new series UID, or is null when the pipeline builds none (layouts png and coco);
    /// <paramref name="instances"/> the de-identified instances by new SOP Instance UID (their planes place the images).
    /// </summary>
    public static void Import(Annotation a, IEnumerable<StageItem> files, Identifiers ids, IReadOnlyDictionary<string, (int Rows, int Columns)> sizes,
        IReadOnlyDictionary<string, ImageGeometry>? volumes, IReadOnlyDictionary<string, StageItem> instances,
        List<(LabelEntry Entry, Place Place)> entries, List<LabelViolation> violations, List<StageOutput> outputs, CancellationToken cancellationToken)
    {
        var read = new List<(LabelEntry Entry, Place Place)>();
        BoxImport.Read(a, files, ids, sizes, read, violations);
        var maps = new Dictionary<string, (ushort[] Labels, IReadOnlyList<int> Classes)>(StringComparer.Ordinal);
        foreach (var (entry, place) in read)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!sizes.TryGetValue(place.Image!, out var size)) continue;
            var name = $"{place.Patient}/{place.Key}";
            maps[place.Key] = Draw(entry.Boxes ?? [], size.Rows, size.Columns, (check, message) => violations.Add(new LabelViolation(name, check, message, place)));
        }
        if (volumes is null)
        {
            entries.AddRange(read.Select(e => (maps.TryGetValue(e.Place.Key, out var m) ? e.Entry with { Classes = m.Classes } : e.Entry, e.Place)));
            return;
        }

        var failing = violations.Where(v => v.Place is not null).Select(v => v.Place!.Key).ToHashSet(StringComparer.Ordinal);
        var planes = new Dictionary<string, IReadOnlyList<SliceFacts>?>(StringComparer.Ordinal);
        foreach (var series in read.GroupBy(e => (e.Place.Patient, e.Place.Series!)).OrderBy(g => g.Key.Item2, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (patient, uid) = series.Key;
            var path = $"labels/{a.Name}/{patient}/{uid}.nii.gz";
            if (!volumes.TryGetValue(uid, out var image))
            {
                violations.Add(new LabelViolation($"{patient}/{uid}", "link", "the series has no image volume: its images' objects are published without a label volume", null));
                entries.AddRange(series.Select(e => (maps.TryGetValue(e.Place.Key, out var m) ? e.Entry with { Classes = m.Classes } : e.Entry, e.Place)));
                continue;
            }
            var shape = image.Shape.Take(3).ToArray();
            var inverse = image.Affine.Inverse();
            var labels = new ushort[shape[0] * shape[1] * shape[2]];
            var painted = new List<(LabelEntry, Place)>();
            foreach (var (entry, place) in series.OrderBy(e => e.Place.Key, StringComparer.Ordinal))
            {
                var name = $"{patient}/{place.Key}";
                if (!maps.TryGetValue(place.Key, out var map) || (a.OnFail != "warn" && failing.Contains(place.Key)))
                {
                    entries.Add((entry, place));
                    continue;
                }
                var plane = Plane(place, instances, planes);
                if (plane is null)
                {
                    violations.Add(new LabelViolation(name, "geometry", "the image has no plane (Image Position, Orientation and Pixel Spacing) to place it on the series volume", place));
                    entries.Add((entry, place));
                    continue;
                }
                var located = SegImport.Locate(new SegImport.Plane(plane.Position, plane.Orientation, plane.PixelSpacing), plane.Rows, plane.Columns, inverse, shape);
                if (located.Problem is { } problem)
                {
                    violations.Add(new LabelViolation(name, "geometry", "the image " + problem, place));
                    entries.Add((entry, place));
                    continue;
                }
                for (var r = 0; r < plane.Rows; r++)
                    for (var c = 0; c < plane.Columns; c++)
                    {
                        var value = map.Labels[r * plane.Columns + c];
                        if (value == 0) continue;
                        var i = located.Origin![0] + c * located.Column![0] + r * located.Row![0];
                        var j = located.Origin[1] + c * located.Column[1] + r * located.Row[1];
                        var k = located.Origin[2] + c * located.Column[2] + r * located.Row[2];
                        var at = i + shape[0] * (j + shape[1] * k);
                        if (labels[at] == 0) labels[at] = value;
                    }
                painted.Add((entry with { Classes = map.Classes }, place));
            }
            if (painted.Count == 0) continue;
            var (bytes, _, problems) = MaskImport.Check(new Volume(shape, labels, image.Affine), image, a.Classes);
            foreach (var (check, message) in problems) violations.Add(new LabelViolation($"{patient}/{uid}", check, message, null));
            if (bytes is null)
            {
                entries.AddRange(painted);
                continue;
            }
            outputs.Add(new StageOutput(path, bytes, JsonSerializer.SerializeToElement(new
            {
                label_mask = a.Name, pseudonym = patient, series_instance_uid = uid, image = image.Path,
            })));
            entries.AddRange(painted.Select(p => (p.Item1 with { Mask = path }, p.Item2)));
        }
    }

    /// <summary>
    /// One image's class map (row-major, height x width) and the class ids in it; each object is the union of its
    /// polygons or its RLE. Problems: objects without a segmentation, overlaps between classes (counted in pixels).
    /// </summary>
    public static (ushort[] Labels, IReadOnlyList<int> Classes) Draw(IReadOnlyList<LabelBox> objects, int height, int width, Action<string, string> problem)
    {
        var labels = new ushort[height * width];
        var overlaps = new SortedDictionary<(int, int), long>();
        for (var n = 0; n < objects.Count; n++)
        {
            var o = objects[n];
            byte[] mask;
            if (o.Rle is { } rle && rle.Size.Count == 2 && rle.Size[0] == height && rle.Size[1] == width)
                mask = CocoRle.ToMask(CocoRle.Decode(rle.Counts), height, width);
            else if (o.Polygons is { Count: > 0 } polygons)
                mask = CocoPolygon.Mask(polygons, height, width);
            else
            {
                problem("values", $"object {n + 1} (class {o.ClassId}) has no segmentation (polygons or an RLE of the image's size); a mask needs one");
                continue;
            }
            var id = (ushort)o.ClassId;
            for (var p = 0; p < mask.Length; p++)
            {
                if (mask[p] == 0) continue;
                if (labels[p] == 0) labels[p] = id;
                else if (labels[p] != id) overlaps[(labels[p], id)] = overlaps.GetValueOrDefault((labels[p], id)) + 1;
            }
        }
        foreach (var ((first, second), count) in overlaps)
            problem("overlap", $"objects of classes {first} and {second} overlap in {count} pixels; the earlier object's class {first} is kept");
        return (labels, labels.Where(v => v != 0).Select(v => (int)v).Distinct().Order().ToList());
    }

    /// <summary>The plane of an image or frame, from its de-identified instance (read once per instance).</summary>
    private static SliceFacts? Plane(Place place, IReadOnlyDictionary<string, StageItem> instances, Dictionary<string, IReadOnlyList<SliceFacts>?> cache)
    {
        if (!cache.TryGetValue(place.Image!, out var frames))
        {
            frames = null;
            if (instances.TryGetValue(place.Image!, out var item))
            {
                try { frames = SliceFacts.Read(DicomReader.Read(item.ReadAllBytes())).Slices; }
                catch (DataForge.Dicom.DicomFormatException) { frames = null; }
            }
            cache[place.Image!] = frames;
        }
        var index = (place.Frame ?? 1) - 1;
        return frames is not null && index < frames.Count ? frames[index] : null;
    }
}
