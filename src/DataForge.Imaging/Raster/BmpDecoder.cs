using System.Buffers.Binary;
using System.Numerics;

namespace DataForge.Imaging.Raster;

/// <summary>
/// Reads a Windows bitmap (BMP: BITMAPCOREHEADER, BITMAPINFOHEADER and its V4/V5 extensions) into a
/// <see cref="RasterImage"/>: 1, 4 and 8 bits through a palette (greyscale when every entry is grey, else RGB),
/// 16 bits (5-5-5 or bit fields), 24 and 32 bits (alpha dropped); bottom-up and top-down rows; 4 and 8 bits
/// run-length encoded (RLE4, RLE8: <see cref="BmpRle"/>). A short or inconsistent file fails with the byte offset.
/// Small enough to own: a library would hide where a file is broken.
/// </summary>
public static class BmpDecoder
{
    /// <summary>True when the bytes start like a bitmap file ("BM").</summary>
    public static bool IsBmp(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 'B' && bytes[1] == 'M';

    /// <summary>Decodes a whole BMP file.</summary>
    /// <exception cref="RasterFormatException">The file is not a readable bitmap.</exception>
    public static RasterImage Decode(ReadOnlySpan<byte> file)
    {
        if (!IsBmp(file)) throw new RasterFormatException(0, "not a BMP file (no BM signature)");
        if (file.Length < 26) throw new RasterFormatException(file.Length, "the file ends inside the bitmap headers (truncated)");
        var pixelsAt = BinaryPrimitives.ReadUInt32LittleEndian(file[10..]);
        var headerSize = BinaryPrimitives.ReadInt32LittleEndian(file[14..]);
        if (headerSize is not (12 or 40 or 52 or 56 or 108 or 124)) throw new RasterFormatException(14, $"unknown bitmap header size {headerSize}");
        if (14 + headerSize > file.Length) throw new RasterFormatException(file.Length, "the file ends inside the bitmap header (truncated)");
        int width, height, bitCount, compression = 0, paletteEntry = 4, used = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(file[18..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(file[20..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(file[24..]);
            paletteEntry = 3;
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(file[18..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(file[22..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(file[28..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(file[30..]);
            used = BinaryPrimitives.ReadInt32LittleEndian(file[46..]);
        }
        var topDown = height < 0;
        height = Math.Abs(height);
        if (width <= 0 || height <= 0) throw new RasterFormatException(18, "width and height must be at least 1");
        if ((long)width * height > 1L << 28) throw new RasterFormatException(18, $"{width}x{height} pixels is more than this reader takes (2^28)");
        if (bitCount is not (1 or 4 or 8 or 16 or 24 or 32)) throw new RasterFormatException(28, $"{bitCount} bits per pixel is not a bitmap depth this reader takes (1, 4, 8, 16, 24, 32)");
        if (compression is not (0 or 1 or 2 or 3 or 6)) throw new RasterFormatException(30, $"bitmap compression {compression} is not supported (JPEG or PNG inside a BMP)");
        var rle = compression is 1 or 2;
        if (compression == 1 && bitCount != 8 || compression == 2 && bitCount != 4)
            throw new RasterFormatException(28, $"run-length compression {(compression == 1 ? "RLE8" : "RLE4")} needs {(compression == 1 ? 8 : 4)} bits per pixel, not {bitCount}");
        // Windows GDI documents RLE bitmaps as bottom-up only; a top-down one has no defined row order.
        if (rle && topDown) throw new RasterFormatException(22, "a run-length compressed bitmap cannot be top-down (negative height)");
        var masks = Masks(file, headerSize, bitCount, compression);
        byte[]? palette = null;
        if (bitCount <= 8)
        {
            var entries = used > 0 ? used : 1 << bitCount;
            var start = 14 + headerSize;
            if (entries > 256 || start + (long)entries * paletteEntry > file.Length) throw new RasterFormatException(start, "the colour table is larger than the file or than 256 entries");
            palette = new byte[entries * 3];
            for (var i = 0; i < entries; i++)
            {
                palette[3 * i] = file[start + i * paletteEntry + 2];
                palette[3 * i + 1] = file[start + i * paletteEntry + 1];
                palette[3 * i + 2] = file[start + i * paletteEntry];
            }
        }
        var rowBytes = (int)((((long)width * bitCount + 31) / 32) * 4);
        if (rle && pixelsAt >= file.Length) throw new RasterFormatException(10, $"the pixels start at byte {pixelsAt}, past the end of the file (truncated)");
        var indices = rle ? BmpRle.Expand(file, pixelsAt, width, height, rle4: compression == 2, colours: palette!.Length / 3) : null;
        if (!rle && pixelsAt + (long)rowBytes * height > file.Length)
            throw new RasterFormatException(file.Length, $"the pixel rows need {(long)rowBytes * height} bytes from byte {pixelsAt}, but the file ends first (truncated)");
        var grey = palette is not null && Enumerable.Range(0, palette.Length / 3).All(i => palette[3 * i] == palette[3 * i + 1] && palette[3 * i] == palette[3 * i + 2]);
        var spp = grey ? 1 : 3;
        var frame = new byte[width * height * spp];
        for (var y = 0; y < height; y++)
        {
            var rowAt = (int)pixelsAt + (topDown ? y : height - 1 - y) * rowBytes;
            var row = rle ? default : file.Slice(rowAt, rowBytes);
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * spp;
                if (palette is not null)
                {
                    var index = indices is not null ? indices[(long)(height - 1 - y) * width + x]
                        : (row[x * bitCount / 8] >> (8 - bitCount - x * bitCount % 8)) & ((1 << bitCount) - 1);
                    if (3 * index + 2 >= palette.Length) throw new RasterFormatException(rowAt + x * bitCount / 8, $"a pixel names colour {index}, past the {palette.Length / 3} entries of the colour table");
                    if (grey) frame[o] = palette[3 * index];
                    else palette.AsSpan(3 * index, 3).CopyTo(frame.AsSpan(o));
                }
                else if (masks is { } m)
                {
                    var value = bitCount == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(row[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(row[(4 * x)..]);
                    frame[o] = Channel(value, m.Red);
                    frame[o + 1] = Channel(value, m.Green);
                    frame[o + 2] = Channel(value, m.Blue);
                }
                else
                {
                    var bytes = bitCount / 8;
                    frame[o] = row[x * bytes + 2];
                    frame[o + 1] = row[x * bytes + 1];
                    frame[o + 2] = row[x * bytes];
                }
            }
        }
        var notes = new List<string> { $"{bitCount} bits per pixel", topDown ? "top-down rows" : "bottom-up rows" };
        if (rle) notes.Add(compression == 1 ? "RLE8" : "RLE4");
        if (palette is not null) notes.Add(grey ? "grey colour table" : "colour table expanded to RGB");
        return new RasterImage
        {
            Format = "BMP", Width = width, Height = height, SamplesPerPixel = spp, BitsAllocated = 8, BitsStored = 8,
            Photometric = grey ? "MONOCHROME2" : "RGB", Frames = [frame], Notes = notes,
        };
    }

    private readonly record struct ChannelMasks(uint Red, uint Green, uint Blue);

    // 16 and 32 bits: BI_BITFIELDS masks follow a 40-byte header or sit inside V2-V5 headers; BI_RGB 16 is 5-5-5, 32 is B,G,R,x.
    private static ChannelMasks? Masks(ReadOnlySpan<byte> file, int headerSize, int bitCount, int compression)
    {
        if (bitCount == 16 && compression == 0) return new(0x7C00, 0x03E0, 0x001F);
        if (bitCount is not (16 or 32) || compression == 0) return null;
        var at = 14 + 40;
        if (at + 12 > file.Length) throw new RasterFormatException(file.Length, "the file ends inside the colour masks (truncated)");
        var m = new ChannelMasks(BinaryPrimitives.ReadUInt32LittleEndian(file[at..]), BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 4)..]), BinaryPrimitives.ReadUInt32LittleEndian(file[(at + 8)..]));
        if (m.Red == 0 || m.Green == 0 || m.Blue == 0) throw new RasterFormatException(at, "a colour mask is zero");
        return m;
    }

    // A masked channel scaled to 8 bits (a 5-bit channel's 31 becomes 255).
    private static byte Channel(uint value, uint mask)
    {
        var shift = BitOperations.TrailingZeroCount(mask);
        var bits = BitOperations.PopCount(mask);
        var v = (value & mask) >> shift;
        var max = (1u << bits) - 1;
        return (byte)(bits >= 8 ? v >> (bits - 8) : (v * 255 + max / 2) / max);
    }
}
