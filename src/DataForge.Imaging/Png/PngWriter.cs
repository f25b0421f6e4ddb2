using System.Buffers.Binary;
using System.IO.Compression;

namespace DataForge.Imaging.Png;

/// <summary>
/// Writes 8- or 16-bit greyscale PNG (ISO/IEC 15948): IHDR, one IDAT, IEND, and nothing that
/// depends on time or place (no tIME, no text chunks). Rows use filter type 0 (None); the zlib
/// stream comes from .NET's zlib at a fixed level, so the same pixels give the same bytes.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>An 8-bit greyscale PNG of width x height pixels, row by row from the top.</summary>
    public static byte[] Encode8(ReadOnlySpan<byte> pixels, int width, int height, int compressionLevel = 6)
    {
        Check(pixels.Length, width, height);
        var raw = new byte[(width + 1) * height];
        for (var y = 0; y < height; y++)
            pixels.Slice(y * width, width).CopyTo(raw.AsSpan(y * (width + 1) + 1));
        return Assemble(raw, width, height, 8, compressionLevel);
    }

    /// <summary>A 16-bit greyscale PNG (samples stored big-endian as PNG requires).</summary>
    public static byte[] Encode16(ReadOnlySpan<ushort> pixels, int width, int height, int compressionLevel = 6)
    {
        Check(pixels.Length, width, height);
        var raw = new byte[(2 * width + 1) * height];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan(y * (2 * width + 1) + 1, 2 * width);
            for (var x = 0; x < width; x++)
                BinaryPrimitives.WriteUInt16BigEndian(row.Slice(2 * x), pixels[y * width + x]);
        }
        return Assemble(raw, width, height, 16, compressionLevel);
    }

    private static void Check(int length, int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentException("a PNG needs at least one pixel");
        if ((long)width * height != length) throw new ArgumentException($"{length} pixels do not make a {width}x{height} image");
    }

    private static byte[] Assemble(byte[] filteredRows, int width, int height, int bitDepth, int level)
    {
        if (level is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(level), level, "zlib level is 0 to 9");
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            z.Write(filteredRows);
        using var png = new MemoryStream();
        png.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = 0;  // colour type 0: greyscale
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (each row says its filter: here always None)
        header[12] = 0; // no interlace
        Chunk(png, "IHDR"u8, header);
        Chunk(png, "IDAT"u8, compressed.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void Chunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Update(0, type), data));
        output.Write(word);
    }
}
