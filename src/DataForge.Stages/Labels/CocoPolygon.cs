namespace DataForge.Stages.Labels;

/// <summary>
/// A COCO polygon rasterised as cocoapi does it (maskApi.c, rleFrPoly), so that a mask drawn here has the
/// pixels pycocotools gives the same polygon: the vertices are scaled by 5 and rounded (half up), each edge is
/// walked one upsampled step at a time along its longer axis, and wherever the walk crosses the centre line of a
/// pixel column (x + 0.5 in pixel units) the first pixel centre below the crossing (y rounded up, clamped to
/// 0..height) toggles inside / outside in that column. The toggles, sorted in column-major order, are the RLE
/// counts. Pixel (x, y) covers [x, x + 1) x [y, y + 1); a pixel is inside when its centre is, up to that
/// rounding.
/// </summary>
public static class CocoPolygon
{
    private const int Scale = 5;

    /// <summary>The area of one polygon x0, y0, x1, y1, ... (shoelace formula), as COCO's <c>area</c> of a polygon annotation.</summary>
    public static double Area(IReadOnlyList<double> xy)
    {
        ArgumentNullException.ThrowIfNull(xy);
        double sum = 0;
        var n = xy.Count / 2;
        for (var i = 0; i < n; i++)
        {
            var j = (i + 1) % n;
            sum += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
        }
        return Math.Abs(sum) / 2;
    }

    /// <summary>The COCO RLE counts (column-major, starting with 0s) of one polygon x0, y0, x1, y1, ...</summary>
    public static long[] Counts(IReadOnlyList<double> xy, int height, int width)
    {
        if (xy.Count < 6 || xy.Count % 2 != 0) throw new ArgumentException("a polygon has at least three x, y pairs", nameof(xy));
        var k = xy.Count / 2;
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (var j = 0; j < k; j++)
        {
            // C's (int) cast truncates toward zero, as C#'s does.
            x[j] = (int)(Scale * xy[2 * j] + 0.5);
            y[j] = (int)(Scale * xy[2 * j + 1] + 0.5);
        }
        x[k] = x[0];
        y[k] = y[0];

        // Dense boundary points on the upsampled grid.
        var u = new List<int>();
        var v = new List<int>();
        for (var j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.Abs(xe - xs), dy = Math.Abs(ys - ye);
            var flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) { (xs, xe) = (xe, xs); (ys, ye) = (ye, ys); }
            var s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
                for (var d = 0; d <= dx; d++)
                {
                    var t = flip ? dx - d : d;
                    u.Add(t + xs);
                    v.Add((int)(ys + s * t + 0.5));
                }
            else
                for (var d = 0; d <= dy; d++)
                {
                    var t = flip ? dy - d : d;
                    v.Add(t + ys);
                    u.Add((int)(xs + s * t + 0.5));
                }
        }

        // Where the boundary crosses a pixel column's centre line: the toggle point in that column.
        var toggles = new List<long>();
        for (var j = 1; j < u.Count; j++)
        {
            if (u[j] == u[j - 1]) continue;
            var xd = (double)(u[j] < u[j - 1] ? u[j] : u[j] - 1);
            xd = (xd + 0.5) / Scale - 0.5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1) continue;
            var yd = (double)(v[j] < v[j - 1] ? v[j] : v[j - 1]);
            yd = (yd + 0.5) / Scale - 0.5;
            yd = yd < 0 ? 0 : yd > height ? height : yd;
            yd = Math.Ceiling(yd);
            toggles.Add((long)xd * height + (long)yd);
        }
        toggles.Add((long)height * width);
        toggles.Sort();

        // Differences are the runs; a zero run (two toggles at one pixel) cancels: the next run joins the previous.
        var counts = new List<long>();
        long previous = 0;
        var runs = toggles.Select(t => { var r = t - previous; previous = t; return r; }).ToList();
        var i = 0;
        counts.Add(runs[i++]);
        while (i < runs.Count)
        {
            if (runs[i] > 0) counts.Add(runs[i++]);
            else
            {
                i++;
                if (i < runs.Count) counts[^1] += runs[i++];
            }
        }
        return [.. counts];
    }

    /// <summary>The row-major mask (1 inside) of the union of polygons, as pycocotools' annToMask gives it.</summary>
    public static byte[] Mask(IEnumerable<IReadOnlyList<double>> polygons, int height, int width)
    {
        var mask = new byte[(long)height * width];
        foreach (var polygon in polygons)
        {
            var one = CocoRle.ToMask(Counts(polygon, height, width), height, width);
            for (var p = 0; p < mask.Length; p++) mask[p] |= one[p];
        }
        return mask;
    }
}
