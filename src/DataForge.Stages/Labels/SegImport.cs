using System.Globalization;
using DataForge.Dicom.Imaging;
using DataForge.Imaging;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Labels;

/// <summary>
/// A DICOM SEG's frames painted onto an image volume's grid as a label volume. Each frame's plane (its own
/// Plane Position / Orientation / Pixel Measures, else those of the source image it references) is mapped through
/// the inverse of the volume's affine: its first pixel must land within <see cref="GridTolerance"/> of a voxel
/// centre, its rows and columns must run along the grid's axes one voxel per pixel, and every pixel must fall
/// inside the grid. Segments are painted in segment-number order; a voxel claimed by two segments of different
/// classes keeps the lower segment's class and is counted as an overlap.
/// </summary>
public static class SegImport
{
    /// <summary>Largest distance (in voxels, along any axis) between a frame's pixel and the nearest voxel centre.</summary>
    public const double GridTolerance = 0.1;

    /// <summary>A source image's plane, from the de-identified instance's header facts.</summary>
    public sealed record Plane(IReadOnlyList<double> Position, IReadOnlyList<double> Orientation, IReadOnlyList<double> PixelSpacing);

    /// <summary>
    /// The class id of each segment: by the annotation's <c>segments</c> mapping (keys: segment number, segment label,
    /// or <c>SCHEME:VALUE</c> of its property type; values: class names), else the class named like the segment's
    /// label (case-insensitive), else (no classes declared) the segment number. Class 0 leaves a segment out.
    /// </summary>
    public static (Dictionary<int, int> Classes, List<(string Check, string Message)> Problems) ClassesOf(
        DicomSegmentation seg, Annotation annotation)
    {
        var classes = new Dictionary<int, int>();
        var problems = new List<(string, string)>();
        var byName = annotation.Classes.ToDictionary(c => c.Name, c => c.Id, StringComparer.Ordinal);
        foreach (var segment in seg.Segments.OrderBy(s => s.Number))
        {
            var number = segment.Number.ToString(CultureInfo.InvariantCulture);
            string? name = null;
            if (annotation.Segments is { } map)
                name = map.GetValueOrDefault(number)
                    ?? (segment.Label.Length > 0 ? map.GetValueOrDefault(segment.Label) : null)
                    ?? (segment.Type is { } type ? map.GetValueOrDefault(type.ToString()) : null);
            else if (byName.Count == 0)
            {
                classes[segment.Number] = segment.Number;
                continue;
            }
            else
                name = annotation.Classes.FirstOrDefault(c => string.Equals(c.Name, segment.Label, StringComparison.OrdinalIgnoreCase)).Name;
            if (name is null)
                // The segment's label is the file's own text: it is named by number only.
                problems.Add(("segments", $"segment {number} maps to no class (name it by number, label or type code under the annotation's segments)"));
            else if (byName.TryGetValue(name, out var id))
                classes[segment.Number] = id;
            else if (byName.Count == 0 && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var plain) && plain <= 65535)
                classes[segment.Number] = plain;
            else
                problems.Add(("segments", $"segment {number} maps to '{name}', which is not one of labels.classes"));
        }
        return (classes, problems);
    }

    /// <summary>
    /// The label volume (uint16 voxels, the image's shape and affine) of the segments with a class, or the problems
    /// that stop it (check, message). Overlaps come back as problems beside a volume. <paramref name="sourcePlane"/>
    /// gives the plane of a source image by its original SOP Instance UID (null when unknown); <paramref name="frames"/>,
    /// when given, the indices of the frames to paint (those of one referenced series).
    /// </summary>
    public static (Volume? Labels, List<(string Check, string Message)> Problems) Paint(
        DicomSegmentation seg, ImageGeometry image, IReadOnlyDictionary<int, int> classes, Func<string, Plane?> sourcePlane,
        CancellationToken cancellationToken, IReadOnlySet<int>? frames = null)
    {
        var problems = new List<(string, string)>();
        var shape = image.Shape.Take(3).ToArray();
        var inverse = image.Affine.Inverse();
        var placements = new List<(DicomSegmentationFrame Frame, int[] Origin, int[] Column, int[] Row)>();
        foreach (var frame in seg.Frames)
        {
            if (frames is not null && !frames.Contains(frame.Index)) continue;
            if (!classes.TryGetValue(frame.Segment, out var id) || id == 0) continue;
            var plane = PlaneOf(frame, sourcePlane);
            if (plane is null)
            {
                problems.Add(("geometry", $"frame {frame.Index + 1} has no plane position, orientation and pixel spacing, and references no image of the series that has"));
                continue;
            }
            if (Locate(plane, seg.Rows, seg.Columns, inverse, shape) is { } located)
            {
                if (located.Problem is { } problem) problems.Add(("geometry", $"frame {frame.Index + 1} (segment {frame.Segment}) {problem}"));
                else placements.Add((frame, located.Origin!, located.Column!, located.Row!));
            }
        }
        if (problems.Count > 0) return (null, problems);

        var labels = new ushort[shape[0] * shape[1] * shape[2]];
        var owner = new int[labels.Length];
        var overlaps = new SortedDictionary<(int, int), long>();
        foreach (var (frame, origin, column, row) in placements.OrderBy(p => p.Frame.Segment).ThenBy(p => p.Frame.Index))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = (ushort)classes[frame.Segment];
            var mask = seg.FrameMask(frame.Index);
            for (var r = 0; r < seg.Rows; r++)
                for (var c = 0; c < seg.Columns; c++)
                {
                    if (!mask[r * seg.Columns + c]) continue;
                    var i = origin[0] + c * column[0] + r * row[0];
                    var j = origin[1] + c * column[1] + r * row[1];
                    var k = origin[2] + c * column[2] + r * row[2];
                    var at = i + shape[0] * (j + shape[1] * k);
                    if (labels[at] == 0) { labels[at] = id; owner[at] = frame.Segment; }
                    else if (labels[at] != id && owner[at] != frame.Segment)
                        overlaps[(owner[at], frame.Segment)] = overlaps.GetValueOrDefault((owner[at], frame.Segment)) + 1;
                }
        }
        foreach (var ((first, second), count) in overlaps)
            problems.Add(("overlap", $"segments {first} and {second} (different classes) overlap in {count} voxels; segment {first}'s class is kept"));
        return (new Volume(shape, labels, image.Affine), problems);
    }

    private static Plane? PlaneOf(DicomSegmentationFrame frame, Func<string, Plane?> sourcePlane)
    {
        var source = frame.Position is null || frame.Orientation is null || frame.PixelSpacing is null
            ? frame.SourceInstances.Select(sourcePlane).FirstOrDefault(p => p is not null)
            : null;
        var position = frame.Position ?? source?.Position;
        var orientation = frame.Orientation ?? source?.Orientation;
        var spacing = frame.PixelSpacing ?? source?.PixelSpacing;
        return position is null || orientation is null || spacing is null ? null : new Plane(position, orientation, spacing);
    }

    /// <summary>Where a 2D image falls on a grid (origin voxel, voxel steps of a column and a row), or why it does not.</summary>
    internal sealed record Located(int[]? Origin, int[]? Column, int[]? Row, string? Problem);

    /// <summary>Where a frame's pixels fall on the grid: voxel of pixel (0, 0) and the voxel steps of one column and one row.</summary>
    internal static Located Locate(Plane plane, int rows, int columns, Affine inverse, int[] shape)
    {
        double[] Voxel(double r, double c)
        {
            // PS3.3 C.7.6.2.1.1: P = S + c * Δc * (row direction) + r * Δr * (column direction), in LPS mm; the volume is RAS+.
            var (o, d, s) = (plane.Position, plane.Orientation, plane.PixelSpacing);
            var x = o[0] + c * s[1] * d[0] + r * s[0] * d[3];
            var y = o[1] + c * s[1] * d[1] + r * s[0] * d[4];
            var z = o[2] + c * s[1] * d[2] + r * s[0] * d[5];
            var (i, j, k) = inverse.Apply(-x, -y, z);
            return [i, j, k];
        }
        var v0 = Voxel(0, 0);
        var origin = v0.Select(v => (int)Math.Round(v)).ToArray();
        var column = Step(Voxel(0, 1), v0);
        var row = Step(Voxel(1, 0), v0);
        if (column is null || row is null || Axis(column) == Axis(row))
            return new(null, null, null, "does not run along the image grid's axes at one voxel per pixel (different orientation or pixel spacing)");
        var worst = 0.0;
        foreach (var (r, c) in new[] { (0, 0), (0, columns - 1), (rows - 1, 0), (rows - 1, columns - 1) })
        {
            var exact = Voxel(r, c);
            for (var a = 0; a < 3; a++)
            {
                worst = Math.Max(worst, Math.Abs(exact[a] - (origin[a] + c * column[a] + r * row[a])));
                var index = origin[a] + c * column[a] + r * row[a];
                if (index < 0 || index >= shape[a]) return new(null, null, null, "lies outside the image volume");
            }
        }
        if (!(worst <= GridTolerance))
            return new(null, null, null, string.Create(CultureInfo.InvariantCulture,
                $"lies {worst:0.###} voxels off the image grid (tolerance {GridTolerance})"));
        return new(origin, column, row, null);
    }

    /// <summary>The rounded voxel step between two points when it is one voxel along one axis; else null.</summary>
    private static int[]? Step(double[] to, double[] from)
    {
        var step = new int[3];
        for (var a = 0; a < 3; a++) step[a] = (int)Math.Round(to[a] - from[a]);
        return step.Sum(Math.Abs) == 1 ? step : null;
    }

    private static int Axis(int[] step) => Array.FindIndex(step, s => s != 0);
}
