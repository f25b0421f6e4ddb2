namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>RLE Lossless (PS3.5 Annex G) through <see cref="RleDecoder"/>.</summary>
internal sealed class RleFrameDecoder : IFrameDecoder
{
    public byte[] Decode(ReadOnlySpan<byte> codestream, FrameGeometry geometry) =>
        RleDecoder.DecodeFrame(codestream, geometry.Rows, geometry.Columns, geometry.SamplesPerPixel, geometry.BitsAllocated);
}
