namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// What the Image Pixel module says a frame holds (PS3.3 C.7.6.3): a decoder checks its codestream against it and
/// writes its samples in this shape.
/// </summary>
/// <param name="Rows">Rows (0028,0010).</param>
/// <param name="Columns">Columns (0028,0011).</param>
/// <param name="SamplesPerPixel">Samples per Pixel (0028,0002).</param>
/// <param name="BitsAllocated">Bits Allocated (0028,0100): 8 or 16 for the compressed syntaxes.</param>
/// <param name="BitsStored">Bits Stored (0028,0101).</param>
public sealed record FrameGeometry(int Rows, int Columns, int SamplesPerPixel, int BitsAllocated, int BitsStored)
{
    /// <summary>Bytes of the decoded frame: native little endian samples interleaved by pixel.</summary>
    public int FrameBytes => Rows * Columns * SamplesPerPixel * (BitsAllocated / 8);

    /// <summary>Throws when a codestream's own header disagrees with the dataset.</summary>
    internal void Check(string codec, int width, int height, int components, int precision)
    {
        if (BitsAllocated is not (8 or 16))
            throw new DicomFormatException($"{codec} pixel data has Bits Allocated 8 or 16, not {BitsAllocated} (PS3.5 8.2)", tag: DicomTags.BitsAllocated);
        if (width != Columns || height != Rows || components != SamplesPerPixel)
            throw new DicomFormatException($"the {codec} codestream holds {width}x{height} pixels of {components} component(s), the dataset says {Columns}x{Rows} of {SamplesPerPixel}", tag: DicomTags.PixelData);
        if (precision > BitsAllocated)
            throw new DicomFormatException($"the {codec} codestream has {precision}-bit samples, more than Bits Allocated {BitsAllocated}", tag: DicomTags.PixelData);
    }
}
