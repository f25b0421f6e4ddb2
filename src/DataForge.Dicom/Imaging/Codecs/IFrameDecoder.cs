namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>Decodes the codestream of one encapsulated frame (PS3.5 A.4) of one transfer syntax family.</summary>
public interface IFrameDecoder
{
    /// <summary>
    /// Native little endian samples of Bits Allocated each, interleaved by pixel (Planar Configuration 0).
    /// Throws <see cref="DicomFormatException"/> for a codestream that is damaged or disagrees with the dataset, and
    /// <see cref="NotSupportedException"/> when the codec (or its native library) is missing.
    /// </summary>
    byte[] Decode(ReadOnlySpan<byte> codestream, FrameGeometry geometry);
}
