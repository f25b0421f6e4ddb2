using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace DataForge.Imaging.Png;

/// <summary>
/// Writes 8- or 16-bit greyscale and 8- or 16-bit RGB PNG (ISO/IEC 15948): IHDR, sBIT when fewer bits are
/// significant, one IDAT, IEND, and nothing
/// that depends on time or place (no tIME, no text chunks). Rows use filter type 0 (None); the zlib
/// stream comes from .NET's zlib at a fixed level, so the same pixels give the same bytes.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // PNG 11.2.2: colour types.
    private const byte Greyscale = 0;
    private const byte TrueColour = 2;

    /// <summary>An 8-bit greyscale PNG of width x height pixels, row by row from the top.</summary>
    public static byte[] Encode8(ReadOnlySpan<byte> pixels, int width, int height, int compressionLevel = 6)
    {
        Check(pixels.Length, 1, width, height);
        return Assemble(Rows(pixels, width, height), width, height, 8, Greyscale, compressionLevel);
    }

    /// <summary>An 8-bit RGB PNG: three samples (red, green, blue) per pixel, row by row from the top.</summary>
    public static byte[] EncodeRgb8(ReadOnlySpan<byte> samples, int width, int height, int compressionLevel = 6)
    {
        Check(samples.Length, 3, width, height);
        return Assemble(Rows(samples, 3 * width, height), width, height, 8, TrueColour, compressionLevel);
    }

    /// <summary>A 16-bit greyscale PNG (samples stored big-endian as PNG requires).</summary>
    public static byte[] Encode16(ReadOnlySpan<ushort> pixels, int width, int height, int compressionLevel = 6)
    {
        Check(pixels.Length, 1, width, height);
        var raw = new byte[(2 * width + 1) * height];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan(y * (2 * width + 1) + 1, 2 * width);
            for (var x = 0; x < width; x++)
                BinaryPrimitives.WriteUInt16BigEndian(row.Slice(2 * x), pixels[y * width + x]);
        }
        return Assemble(raw, width, height, 16, Greyscale, compressionLevel);
    }

    /// <summary>
    /// A 16-bit RGB PNG (samples big-endian), three samples per pixel row by row from the top; with
    /// <paramref name="significantBits"/> below 16 the samples are scaled up by a left shift and an sBIT chunk says how
    /// many bits are the source's (PNG 11.3.3.4, 12.5), so a reader can shift them back exactly.
    /// </summary>
    public static byte[] EncodeRgb16(ReadOnlySpan<ushort> samples, int width, int height, int significantBits = 16, int compressionLevel = 6)
    {
        Check(samples.Length, 3, width, height);
        if (significantBits is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(significantBits), significantBits, "1 to 16 bits");
        var shift = 16 - significantBits;
        var rowBytes = 6 * width;
        var raw = new byte[(rowBytes + 1) * height];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan(y * (rowBytes + 1) + 1, rowBytes);
            for (var i = 0; i < 3 * width; i++)
                BinaryPrimitives.WriteUInt16BigEndian(row.Slice(2 * i), (ushort)(samples[y * 3 * width + i] << shift));
        }
        return Assemble(raw, width, height, 16, TrueColour, compressionLevel, shift == 0 ? null : [(byte)significantBits, (byte)significantBits, (byte)significantBits]);
    }

    // Each row is preceded by its filter type byte (0: None).
    private static byte[] Rows(ReadOnlySpan<byte> samples, int rowBytes, int height)
    {
        var raw = new byte[(rowBytes + 1) * height];
        for (var y = 0; y < height; y++)
            samples.Slice(y * rowBytes, rowBytes).CopyTo(raw.AsSpan(y * (rowBytes + 1) + 1));
        return raw;
    }

    private static void Check(int length, int samplesPerPixel, int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentException("a PNG needs at least one pixel");
        if ((long)width * height * samplesPerPixel != length)
            throw new ArgumentException($"{length} samples do not make a {width}x{height} image of {samplesPerPixel} sample(s) per pixel");
    }

    private static byte[] Assemble(byte[] filteredRows, int width, int height, int bitDepth, byte colourType, int level, byte[]? significantBits = null)
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
        header[9] = colourType;
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (each row says its filter: here always None)
        header[12] = 0; // no interlace
        Chunk(png, "IHDR"u8, header);
        if (significantBits is not null) Chunk(png, "sBIT"u8, significantBits);
        Chunk(png, "IDAT"u8, compressed.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    // PNG 5.3: length, type, data, then the CRC-32 (ISO 3309) of type and data, big-endian.
    private static void Chunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
