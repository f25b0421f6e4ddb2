using DataForge.Imaging.Raster;

namespace DataForge.Stages.ImageSources;

/// <summary>Decodes a PNG, TIFF or BMP file by its content (its first bytes), whatever its name says.</summary>
public static class RasterReader
{
    /// <summary>PNG, TIFF or BMP by the file's signature, or null.</summary>
    public static string? FormatOf(ReadOnlySpan<byte> bytes) =>
        PngDecoder.IsPng(bytes) ? "PNG" : TiffDecoder.IsTiff(bytes) ? "TIFF" : BmpDecoder.IsBmp(bytes) ? "BMP" : null;

    /// <summary>The decoded image; throws <see cref="RasterFormatException"/> for a file that is none of the three or is broken.</summary>
    public static RasterImage Decode(byte[] bytes) => FormatOf(bytes) switch
    {
        "PNG" => PngDecoder.Decode(bytes),
        "TIFF" => TiffDecoder.Decode(bytes),
        "BMP" => BmpDecoder.Decode(bytes),
        _ => throw new RasterFormatException(0, "not a PNG, TIFF or BMP file (unknown signature)"),
    };
}
