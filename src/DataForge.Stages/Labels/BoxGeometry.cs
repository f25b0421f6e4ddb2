using DataForge.Imaging;

namespace DataForge.Stages.Labels;

/// <summary>
/// Carries one COCO box of a 2D image through the geometric harmonise steps that moved the image's pixels.
/// <paramref name="Map"/> takes a voxel index of the acquired image to the index of the harmonised one (the inverse of the
/// final affine times the acquired one: resample and crop_or_pad keep every pixel's world position). COCO coordinates
/// are continuous with (0, 0) the top-left corner of the first pixel, so pixel centre i is coordinate i + 0.5: a point
/// x becomes index x - 0.5, is mapped, and goes back by + 0.5. The bbox's corners and the polygons' vertices are mapped
/// (then rounded to 1/1000 pixel); an RLE mask is resampled by <paramref name="ResampleMask"/> (nearest neighbour, the
/// label form of the same steps). What the final image does not cover is cut: the bbox is clipped to it, each polygon
/// clipped to it (Sutherland-Hodgman), the RLE keeps the pixels that remain. A box with nothing left (an empty bbox,
/// every polygon gone, an empty mask) is dropped. Area: the RLE's pixel count, else the polygons' area, else the bbox's.
/// </summary>
/// <param name="Map">Acquired voxel index to harmonised voxel index.</param>
/// <param name="Width">Columns of the harmonised image.</param>
/// <param name="Height">Rows of the harmonised image.</param>
/// <param name="ResampleMask">A row-major mask of the acquired image to one of the harmonised image, or null when it cannot be.</param>
public sealed record BoxGeometry(Affine Map, int Width, int Height, Func<byte[], byte[]?> ResampleMask)
{
    /// <summary>What became of a box: kept as mapped, clipped, dropped (nothing left), or unmapped (its mask could not be resampled onto the image's grid).</summary>
    public enum Outcome { Kept, Clipped, Dropped, Unmapped }

    /// <summary>The box on the harmonised image (null when dropped) and what was done to it.</summary>
    public (LabelBox? Box, Outcome Outcome) Apply(LabelBox box)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (box.Bbox.Count != 4 || box.Bbox.Any(v => !double.IsFinite(v))) return (null, Outcome.Dropped);
        var clipped = false;

        var (x0, y0, x1, y1) = (double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
        foreach (var (cx, cy) in new[] { (0, 0), (1, 0), (0, 1), (1, 1) })
        {
            var (x, y) = Point(box.Bbox[0] + cx * box.Bbox[2], box.Bbox[1] + cy * box.Bbox[3]);
            (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
        }
        var (cx0, cy0, cx1, cy1) = (Math.Max(0, x0), Math.Max(0, y0), Math.Min(Width, x1), Math.Min(Height, y1));
        clipped |= cx0 != x0 || cy0 != y0 || cx1 != x1 || cy1 != y1;
        if (cx1 <= cx0 || cy1 <= cy0) return (null, Outcome.Dropped);
        double[] bbox = [cx0, cy0, Round(cx1 - cx0), Round(cy1 - cy0)];

        List<IReadOnlyList<double>>? polygons = null;
        if (box.Polygons is { } given)
        {
            polygons = [];
            foreach (var polygon in given)
            {
                var mapped = new List<(double X, double Y)>();
                for (var i = 0; i + 1 < polygon.Count; i += 2) mapped.Add(Point(polygon[i], polygon[i + 1]));
                var cut = Clip(mapped);
                clipped |= cut.Count != mapped.Count || !cut.SequenceEqual(mapped);
                var flat = cut.SelectMany(p => new[] { p.X, p.Y }).ToArray();
                if (cut.Count >= 3 && CocoPolygon.Area(flat) > 0) polygons.Add(flat);
            }
            if (polygons.Count == 0) return (null, Outcome.Dropped);
        }

        LabelRle? rle = null;
        double? pixels = null;
        if (box.Rle is { } given2)
        {
            byte[] source;
            try { source = CocoRle.ToMask(CocoRle.Decode(given2.Counts), given2.Size[0], given2.Size[1]); }
            catch (FormatException) { return (null, Outcome.Dropped); }
            if (ResampleMask(source) is not { } mask) return (null, Outcome.Unmapped);
            var count = mask.Count(b => b != 0);
            if (count == 0) return (null, Outcome.Dropped);
            rle = new LabelRle([Height, Width], CocoRle.Encode(CocoRle.FromMask(mask, Height, Width)));
            pixels = count;
        }
        var area = pixels ?? (polygons is not null ? Round(polygons.Sum(CocoPolygon.Area)) : bbox[2] * bbox[3]);
        var result = box with { Bbox = bbox, Polygons = polygons, Rle = rle, Area = Round(area) };
        return (result, clipped ? Outcome.Clipped : Outcome.Kept);
    }

    /// <summary>A COCO point (pixel corners) of the acquired image on the harmonised one, rounded to 1/1000 pixel.</summary>
    public (double X, double Y) Point(double x, double y)
    {
        var (i, j, _) = Map.Apply(x - 0.5, y - 0.5, 0);
        return (Round(i + 0.5), Round(j + 0.5));
    }

    /// <summary>Sutherland-Hodgman: the part of a polygon inside [0, Width] x [0, Height].</summary>
    private List<(double X, double Y)> Clip(List<(double X, double Y)> polygon)
    {
        var result = polygon;
        foreach (var (axis, bound, keepBelow) in new[] { (0, 0.0, false), (0, (double)Width, true), (1, 0.0, false), (1, (double)Height, true) })
        {
            if (result.Count == 0) break;
            var input = result;
            result = [];
            bool Inside((double X, double Y) p) => keepBelow ? Coordinate(p, axis) <= bound : Coordinate(p, axis) >= bound;
            for (var k = 0; k < input.Count; k++)
            {
                var current = input[k];
                var previous = input[(k + input.Count - 1) % input.Count];
                if (Inside(current))
                {
                    if (!Inside(previous)) result.Add(Cross(previous, current, axis, bound));
                    result.Add(current);
                }
                else if (Inside(previous)) result.Add(Cross(previous, current, axis, bound));
            }
        }
        return result;
    }

    private static double Coordinate((double X, double Y) p, int axis) => axis == 0 ? p.X : p.Y;

    private static (double X, double Y) Cross((double X, double Y) a, (double X, double Y) b, int axis, double bound)
    {
        var t = (bound - Coordinate(a, axis)) / (Coordinate(b, axis) - Coordinate(a, axis));
        return axis == 0 ? (bound, Round(a.Y + t * (b.Y - a.Y))) : (Round(a.X + t * (b.X - a.X)), bound);
    }

    private static double Round(double v) => Math.Round(v, 3, MidpointRounding.ToEven) + 0.0;
}
