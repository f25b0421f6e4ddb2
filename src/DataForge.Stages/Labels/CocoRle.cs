namespace DataForge.Stages.Labels;

/// <summary>
/// COCO run-length encoding of a binary mask: runs of 0s and 1s alternately, starting with 0s, over the
/// h x w pixels in column-major order (down each column, then the next). The compressed form is the
/// counts as a string (cocoapi maskApi.c, rleToString): each count, from the fourth on as the difference
/// from the count two before, in little-endian groups of 5 bits, each group a character 48 + bits with
/// 0x20 set when more groups follow; the last group's 0x10 is the sign.
/// </summary>
public static class CocoRle
{
    /// <summary>The counts of a compressed RLE string; <see cref="FormatException"/> when it is malformed.</summary>
    public static long[] Decode(string text)
    {
        var counts = new List<long>();
        var p = 0;
        while (p < text.Length)
        {
            long x = 0;
            var k = 0;
            var more = true;
            while (more)
            {
                if (p >= text.Length) throw new FormatException("an RLE string ends inside a count");
                var c = text[p] - 48;
                if (c is < 0 or > 63) throw new FormatException($"an RLE string holds a character outside '0'..'o' at {p}");
                if (k > 12) throw new FormatException("an RLE count is too long");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (counts.Count > 2) x += counts[^2];
            counts.Add(x);
        }
        return [.. counts];
    }

    /// <summary>The compressed string of counts (the inverse of <see cref="Decode"/>).</summary>
    public static string Encode(IReadOnlyList<long> counts)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < counts.Count; i++)
        {
            var x = counts[i];
            if (i > 2) x -= counts[i - 2];
            var more = true;
            while (more)
            {
                var c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                text.Append((char)(c + 48));
            }
        }
        return text.ToString();
    }

    /// <summary>The mask (row-major, height x width, 1 inside) of counts; throws when they do not cover it exactly.</summary>
    public static byte[] ToMask(IReadOnlyList<long> counts, int height, int width)
    {
        var total = (long)height * width;
        var mask = new byte[total];
        long at = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] < 0) throw new FormatException($"RLE count {i} is negative");
            if (at + counts[i] > total) throw new FormatException($"the RLE counts cover more than the {height}x{width} pixels");
            if (i % 2 == 1)
                for (var j = at; j < at + counts[i]; j++) mask[(j % height) * width + j / height] = 1;
            at += counts[i];
        }
        if (at != total) throw new FormatException($"the RLE counts cover {at} of the {height}x{width} pixels");
        return mask;
    }

    /// <summary>The counts of a row-major mask (column-major runs, starting with 0s).</summary>
    public static long[] FromMask(ReadOnlySpan<byte> mask, int height, int width)
    {
        var counts = new List<long>();
        byte current = 0;
        long run = 0;
        for (var x = 0; x < width; x++)
            for (var y = 0; y < height; y++)
            {
                var v = mask[y * width + x] != 0 ? (byte)1 : (byte)0;
                if (v != current) { counts.Add(run); run = 0; current = v; }
                run++;
            }
        counts.Add(run);
        return [.. counts];
    }

    /// <summary>The bounding box [x, y, w, h] of a mask's pixels (whole pixels), or null when it is empty.</summary>
    public static double[]? Bounds(ReadOnlySpan<byte> mask, int height, int width)
    {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (mask[y * width + x] != 0)
                {
                    x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                    y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                }
        return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
    }
}
