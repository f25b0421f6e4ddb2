namespace DataForge.Imaging.Raster;

/// <summary>
/// A decoded 2D image of a PNG, TIFF or BMP file, in the terms DICOM uses for pixel data (PS3.3 C.7.6.3):
/// samples per pixel (1 grey, 3 RGB; an alpha channel is dropped, a palette expanded), bits allocated
/// (8, 16 or 32), bits stored, signedness and photometric interpretation. Each frame (a TIFF page) holds its
/// samples interleaved by pixel, rows from the top, little-endian: what DICOM's native Pixel Data holds.
/// </summary>
public sealed record RasterImage
{
    /// <summary>The file format: PNG, TIFF or BMP.</summary>
    public required string Format { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>1 (greyscale) or 3 (RGB).</summary>
    public required int SamplesPerPixel { get; init; }

    /// <summary>8, 16 or 32; 32 or 64 for floating-point samples.</summary>
    public required int BitsAllocated { get; init; }

    /// <summary>The significant bits of each sample (1 to <see cref="BitsAllocated"/>).</summary>
    public required int BitsStored { get; init; }

    /// <summary>True for two's complement samples.</summary>
    public bool Signed { get; init; }

    /// <summary>True for IEEE 754 floating-point samples (32 or 64 bits, greyscale), which DICOM holds as Float or Double Float Pixel Data.</summary>
    public bool Float { get; init; }

    /// <summary>MONOCHROME1 (minimum is white), MONOCHROME2 or RGB.</summary>
    public required string Photometric { get; init; }

    /// <summary>The frames' samples (see the type's summary).</summary>
    public required IReadOnlyList<byte[]> Frames { get; init; }

    /// <summary>Facts about how the source stored the image (colour type, compression, alpha dropped, ...), for reports; never values of text.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The bytes of one frame.</summary>
    public int FrameLength => Width * Height * SamplesPerPixel * (BitsAllocated / 8);
}
