using DataForge.Imaging.Png;
using DataForge.Imaging.Raster;

namespace DataForge.Stages.Png;

/// <summary>
/// The file of one 2D image of layouts png and coco in the format <c>output.png.format</c> names: PNG (default) or
/// baseline TIFF from DataForge's own writer (<see cref="TiffWriter"/>), the same levels or samples either way, and in a
/// TIFF the pixel spacing as its resolution. Floating-point images (Parametric Maps of float TIFF sources) are written
/// as 32-bit float TIFF, every value's bits as stored.
/// </summary>
internal static class LayoutImage
{
    /// <summary>The file extension: <c>.png</c> or <c>.tif</c>.</summary>
    public static string Extension(PngSettings settings) => settings.Tiff ? ".tif" : ".png";

    /// <summary>Greyscale modality values through the window, at the settings' bit depth.</summary>
    public static byte[] Greyscale(PngSettings settings, ReadOnlySpan<double> values, int width, int height, VoiWindow window, bool invert, double[]? spacing)
    {
        if (!settings.Tiff) return PngRendering.Greyscale(values, width, height, window, invert, settings.BitDepth);
        var levels = PngRendering.Levels(values, width, height, window, invert, settings.BitDepth);
        if (settings.BitDepth == 16) return TiffWriter.Encode16(levels, width, height, 1, spacing);
        return TiffWriter.Encode8(levels.Select(l => (byte)l).ToArray(), width, height, 1, spacing);
    }

    /// <summary>8-bit RGB samples as they are.</summary>
    public static byte[] Rgb(PngSettings settings, ReadOnlySpan<long> samples, int width, int height, double[]? spacing)
    {
        if (!settings.Tiff) return PngRendering.Rgb(samples, width, height);
        var bytes = new byte[samples.Length];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = samples[i] is >= 0 and <= 255 ? (byte)samples[i] : throw new Imaging.ImagingException($"colour sample {samples[i]} is outside 0..255 (only 8-bit colour is written)");
        return TiffWriter.Encode8(bytes, width, height, 3, spacing);
    }

    /// <summary>RGB of 9 to 16 bits as 16-bit RGB.</summary>
    public static byte[] Rgb16(PngSettings settings, ReadOnlySpan<long> samples, int width, int height, int bitsStored, double[]? spacing)
    {
        if (!settings.Tiff) return PngRendering.Rgb16(samples, width, height, bitsStored);
        var max = (1L << bitsStored) - 1;
        var words = new ushort[samples.Length];
        for (var i = 0; i < words.Length; i++)
            words[i] = samples[i] >= 0 && samples[i] <= max ? (ushort)samples[i] : throw new Imaging.ImagingException($"colour sample {samples[i]} is outside 0..{max}");
        return TiffWriter.Encode16(words, width, height, 3, spacing);
    }
}
