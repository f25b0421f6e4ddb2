namespace DataForge.Imaging.Raster;

/// <summary>
/// Expands the run-length encoded pixels of a bitmap (BITMAPINFOHEADER compression 1, RLE8, and 2, RLE4) into one
/// colour-table index per pixel, rows from the bottom as the file stores them. The stream is a list of two-byte
/// records: a count and an index (RLE4: two indices, high nibble first, alternating), or a zero then an escape:
/// 0 end of line, 1 end of bitmap, 2 a delta (two bytes: right, up), 3 to 255 that many literal indices (RLE4: packed
/// two to a byte) padded to a 16-bit boundary. Pixels the stream skips (end of line, delta) take index 0, as Windows
/// and Pillow leave them. A run past its row's end, a delta or a line past the last row, and a stream that ends
/// without its end-of-bitmap record are refused with the byte offset of the record: a damaged file is never read
/// outside its bytes nor outside the image.
/// </summary>
internal static class BmpRle
{
    /// <summary>The indices, <paramref name="width"/> by <paramref name="height"/>, row 0 the bottom row; each below <paramref name="colours"/>.</summary>
    public static byte[] Expand(ReadOnlySpan<byte> file, long start, int width, int height, bool rle4, int colours)
    {
        var indices = new byte[(long)width * height];
        long at = start;
        int x = 0, y = 0;
        while (true)
        {
            if (at + 2 > file.Length) throw new RasterFormatException(file.Length, "the run-length pixels end before their end-of-bitmap record (truncated)");
            var record = at;
            int count = file[(int)at], value = file[(int)at + 1];
            at += 2;
            if (count > 0)
            {
                Row(record, y, height);
                if ((rle4 ? Math.Max(value >> 4, count > 1 ? value & 0x0F : 0) : value) >= colours) Colour(record, colours);
                if (x + count > width) throw new RasterFormatException(record, $"a run of {count} pixels at column {x} passes the end of its row of {width}");
                for (var i = 0; i < count; i++)
                    indices[(long)y * width + x + i] = (byte)(rle4 ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value);
                x += count;
                continue;
            }
            switch (value)
            {
                case 0: // end of line
                    x = 0;
                    y++;
                    break;
                case 1: // end of bitmap
                    return indices;
                case 2: // delta: the next pixel is right and up (rows are stored bottom-up)
                    if (at + 2 > file.Length) throw new RasterFormatException(file.Length, "the file ends inside a delta record (truncated)");
                    x += file[(int)at];
                    y += file[(int)at + 1];
                    at += 2;
                    if (x > width || y > height || (y == height && x > 0))
                        throw new RasterFormatException(record, $"a delta moves to column {x} of row {y}, outside the {width}x{height} image");
                    break;
                default: // absolute mode: `value` literal indices
                    Row(record, y, height);
                    if (x + value > width) throw new RasterFormatException(record, $"{value} literal pixels at column {x} pass the end of its row of {width}");
                    var bytes = rle4 ? (value + 1) / 2 : value;
                    if (at + bytes > file.Length) throw new RasterFormatException(file.Length, $"the file ends inside {value} literal pixels (truncated)");
                    for (var i = 0; i < value; i++)
                    {
                        var b = file[(int)(at + (rle4 ? i / 2 : i))];
                        var index = rle4 ? (i % 2 == 0 ? b >> 4 : b & 0x0F) : b;
                        if (index >= colours) Colour(record, colours);
                        indices[(long)y * width + x + i] = (byte)index;
                    }
                    x += value;
                    at += bytes + (bytes & 1); // padded to a 16-bit boundary from the record's start
                    break;
            }
        }
    }

    private static void Colour(long record, int colours) =>
        throw new RasterFormatException(record, $"a run names a colour past the {colours} entries of the colour table");

    // Pixels after the last row (a line or delta moved past it) have nowhere to go.
    private static void Row(long record, int y, int height)
    {
        if (y >= height) throw new RasterFormatException(record, $"pixels after the last of the {height} rows");
    }
}
