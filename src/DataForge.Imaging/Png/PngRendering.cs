namespace DataForge.Imaging.Png;

/// <summary>
/// A 2D image as PNG: greyscale modality values through a <see cref="VoiWindow"/> to 8 or 16 bits
/// (MONOCHROME1 inverted so that the PNG shows it as a reader would), or 8-bit colour samples as they are.
/// Levels are the display fraction times 255 or 65535, rounded half to even.
/// </summary>
public static class PngRendering
{
    /// <summary>The PNG of width x height modality values (row by row from the top).</summary>
    /// <param name="values">Modality values (stored values through the Modality LUT).</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="window">The VOI window.</param>
    /// <param name="invert">True for MONOCHROME1: the lowest value shows white.</param>
    /// <param name="bitDepth">8 or 16.</param>
    /// <param name="compressionLevel">zlib level.</param>
    public static byte[] Greyscale(ReadOnlySpan<double> values, int width, int height, VoiWindow window, bool invert, int bitDepth, int compressionLevel = 6)
    {
        var levels = Levels(values, width, height, window, invert, bitDepth);
        if (bitDepth == 16) return PngWriter.Encode16(levels, width, height, compressionLevel);
        var bytes = new byte[levels.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)levels[i];
        return PngWriter.Encode8(bytes, width, height, compressionLevel);
    }

    /// <summary>
    /// The display levels (0 to 255 or 65535) of width x height modality values through the window, as
    /// <see cref="Greyscale"/> writes them; the layouts' TIFF images hold the same levels.
    /// </summary>
    public static ushort[] Levels(ReadOnlySpan<double> values, int width, int height, VoiWindow window, bool invert, int bitDepth)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (bitDepth is not (8 or 16)) throw new ImagingException($"PNG bit depth must be 8 or 16, not {bitDepth}");
        if (window.Problem is { } problem) throw new ImagingException(problem);
        if ((long)width * height != values.Length) throw new ImagingException($"{values.Length} values do not make a {width}x{height} image");
        var top = bitDepth == 8 ? 255.0 : 65535.0;
        var levels = new ushort[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var f = double.IsNaN(values[i]) ? 0 : window.Fraction(values[i]);
            if (invert) f = 1 - f;
            levels[i] = (ushort)Math.Round(Math.Clamp(f, 0, 1) * top, MidpointRounding.ToEven);
        }
        return levels;
    }

    /// <summary>
    /// The 16-bit PNG of RGB samples of <paramref name="bitsStored"/> bits (9 to 16; interleaved R, G, B per pixel, row
    /// by row from the top), with an sBIT chunk when fewer than 16 bits are stored (see <see cref="PngWriter.EncodeRgb16"/>).
    /// </summary>
    public static byte[] Rgb16(ReadOnlySpan<long> samples, int width, int height, int bitsStored, int compressionLevel = 6)
    {
        if ((long)width * height * 3 != samples.Length) throw new ImagingException($"{samples.Length} samples do not make a {width}x{height} RGB image");
        if (bitsStored is < 9 or > 16) throw new ImagingException($"16-bit colour is written for 9 to 16 bits stored, not {bitsStored}");
        var words = new ushort[samples.Length];
        var max = (1L << bitsStored) - 1;
        for (var i = 0; i < words.Length; i++)
        {
            if (samples[i] < 0 || samples[i] > max) throw new ImagingException($"colour sample {samples[i]} is outside 0..{max}");
            words[i] = (ushort)samples[i];
        }
        return PngWriter.EncodeRgb16(words, width, height, bitsStored, compressionLevel);
    }

    /// <summary>The PNG of 8-bit RGB samples (interleaved R, G, B per pixel, row by row from the top).</summary>
    public static byte[] Rgb(ReadOnlySpan<long> samples, int width, int height, int compressionLevel = 6)
    {
        if ((long)width * height * 3 != samples.Length) throw new ImagingException($"{samples.Length} samples do not make a {width}x{height} RGB image");
        var bytes = new byte[samples.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (samples[i] is < 0 or > 255) throw new ImagingException($"colour sample {samples[i]} is outside 0..255 (only 8-bit colour is written)");
            bytes[i] = (byte)samples[i];
        }
        return PngWriter.EncodeRgb8(bytes, width, height, compressionLevel);
    }
}
