using System.Buffers.Binary;

namespace DataForge.Imaging.Raster;

/// <summary>
/// Writes a baseline TIFF 6.0 image, little-endian and uncompressed, with nothing that depends on time, place or the
/// source: the header, the samples in strips of about 64 KiB, then one image file directory holding only the tags a
/// reader needs (ImageWidth, ImageLength, BitsPerSample, Compression 1, PhotometricInterpretation BlackIsZero or RGB,
/// StripOffsets, SamplesPerPixel, RowsPerStrip, StripByteCounts, X/YResolution with ResolutionUnit, PlanarConfiguration 1,
/// SampleFormat), in ascending tag order as TIFF 6.0 requires. No DateTime, Software, ImageDescription or private tag.
/// The same samples and spacing give the same bytes. Samples: 8 or 16-bit unsigned grey or RGB, or 32 or 64-bit IEEE
/// float grey (SampleFormat 3, every bit as given).
/// <code>
/// 0       "II" 42 IFD-offset          8-byte header
/// 8       strips                      rows * columns * samples * bytes, row by row from the top
/// IFD     count, 12-byte entries, 0   then the values too long for an entry: BitsPerSample (RGB), offsets, counts, resolutions
/// </code>
/// </summary>
public static class TiffWriter
{
    /// <summary>8-bit grey or RGB.</summary>
    public static byte[] Encode8(ReadOnlySpan<byte> samples, int width, int height, int samplesPerPixel, double[]? spacingMm = null) =>
        Write(samples, width, height, samplesPerPixel, 8, sampleFormat: 1, spacingMm);

    /// <summary>16-bit grey or RGB.</summary>
    public static byte[] Encode16(ReadOnlySpan<ushort> samples, int width, int height, int samplesPerPixel, double[]? spacingMm = null)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        return Write(bytes, width, height, samplesPerPixel, 16, sampleFormat: 1, spacingMm);
    }

    /// <summary>32-bit floating-point grey: each value's four bytes as they are (NaN payloads and negative zero too).</summary>
    public static byte[] EncodeFloat(ReadOnlySpan<float> values, int width, int height, double[]? spacingMm = null)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), BitConverter.SingleToInt32Bits(values[i]));
        return Write(bytes, width, height, 1, 32, sampleFormat: 3, spacingMm);
    }

    /// <summary>64-bit floating-point grey: each value's eight bytes as they are.</summary>
    public static byte[] EncodeDouble(ReadOnlySpan<double> values, int width, int height, double[]? spacingMm = null)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), BitConverter.DoubleToInt64Bits(values[i]));
        return Write(bytes, width, height, 1, 64, sampleFormat: 3, spacingMm);
    }

    // TIFF 6.0 field types.
    private const ushort Short = 3, Long = 4, Rational = 5;

    private static byte[] Write(ReadOnlySpan<byte> samples, int width, int height, int spp, int bits, int sampleFormat, double[]? spacing)
    {
        if (width is < 1 or > 65535 || height is < 1 or > 65535) throw new ImagingException($"a TIFF image of {width}x{height} pixels is not written (1 to 65535 each)");
        if (spp is not (1 or 3)) throw new ImagingException($"TIFF images are written grey or RGB, not with {spp} samples per pixel");
        var rowBytes = width * spp * bits / 8;
        if ((long)rowBytes * height != samples.Length) throw new ImagingException($"{samples.Length} bytes of samples do not make a {width}x{height} image of {spp} samples of {bits} bits");
        var rowsPerStrip = Math.Clamp(65536 / rowBytes, 1, height);
        var strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        var (xRes, yRes, unit) = Resolution(spacing);

        var entries = new List<(ushort Tag, ushort Type, uint[] Values)>
        {
            (256, Short, [(uint)width]), (257, Short, [(uint)height]), (258, Short, Enumerable.Repeat((uint)bits, spp).ToArray()), (259, Short, [1]),
            (262, Short, [spp == 3 ? 2u : 1u]), (273, Long, new uint[strips]), (277, Short, [(uint)spp]), (278, Short, [(uint)rowsPerStrip]),
            (279, Long, new uint[strips]), (282, Rational, xRes), (283, Rational, yRes), (284, Short, [1]), (296, Short, [unit]),
            (339, Short, Enumerable.Repeat((uint)sampleFormat, spp).ToArray()),
        };
        const int header = 8;
        var ifd = header + samples.Length + (samples.Length & 1);
        var extra = ifd + 2 + 12 * entries.Count + 4;
        var size = extra + entries.Sum(e => Size(e) > 4 ? Size(e) : 0);
        var file = new byte[size];
        "II"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)ifd);
        samples.CopyTo(file.AsSpan(header));
        for (var s = 0; s < strips; s++)
        {
            entries[5].Values[s] = (uint)(header + s * rowsPerStrip * rowBytes);
            entries[8].Values[s] = (uint)(Math.Min(rowsPerStrip, height - s * rowsPerStrip) * rowBytes);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(ifd), (ushort)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (tag, type, values) = entries[i];
            var at = ifd + 2 + 12 * i;
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), tag);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 2), type);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 4), (uint)(type == Rational ? values.Length / 2 : values.Length));
            var target = at + 8;
            if (Size(entries[i]) > 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 8), (uint)extra);
                target = extra;
                extra += Size(entries[i]);
            }
            for (var v = 0; v < values.Length; v++)
            {
                if (type == Short) BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(target + 2 * v), (ushort)values[v]);
                else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(target + 4 * v), values[v]);
            }
        }
        return file;
    }

    private static int Size((ushort Tag, ushort Type, uint[] Values) e) => e.Values.Length * (e.Type == Short ? 2 : 4);

    // Pixel spacing (row, column) in mm as pixels per centimetre (ResolutionUnit 3): 10 mm over the spacing, a rational
    // of nanometres (10^7 / spacing in nm), so that spacings given to the nanometre (microscopy's 0.25 µm too) are exact.
    // Unknown spacing: 1/1 with no unit (ResolutionUnit 1).
    private static (uint[] X, uint[] Y, uint Unit) Resolution(double[]? spacing)
    {
        static uint[]? PerCm(double mm)
        {
            var nanometres = Math.Round(mm * 1e6);
            return double.IsFinite(mm) && nanometres is >= 1 and <= uint.MaxValue ? [10_000_000u, (uint)nanometres] : null;
        }
        if (spacing is [var row, var column] && PerCm(column) is { } x && PerCm(row) is { } y) return (x, y, 3);
        return ([1, 1], [1, 1], 1);
    }
}
