namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// Which decoder reads which encapsulated transfer syntax. The JPEG processes are decoded by the managed JpegLibrary
/// (the only candidate that decodes Process 14 without a native install); JPEG-LS by CharLS; JPEG 2000 and
/// High-Throughput JPEG 2000 by OpenJPEG. CharLS and OpenJPEG are Debian's builds, loaded at first use, so a machine
/// without them still decodes everything else.
/// </summary>
public static class FrameDecoders
{
    private static readonly Dictionary<string, IFrameDecoder> ByUid = new(StringComparer.Ordinal)
    {
        [DicomTransferSyntax.RLELossless.Uid] = new RleFrameDecoder(),
        [DicomTransferSyntax.JPEGBaseline8Bit.Uid] = new JpegFrameDecoder(lossless: false),
        [DicomTransferSyntax.JPEGExtended12Bit.Uid] = new JpegFrameDecoder(lossless: false),
        [DicomTransferSyntax.JPEGLossless.Uid] = new JpegFrameDecoder(lossless: true),
        [DicomTransferSyntax.JPEGLosslessSV1.Uid] = new JpegFrameDecoder(lossless: true),
        [DicomTransferSyntax.JPEGLSLossless.Uid] = new JpegLsFrameDecoder(),
        [DicomTransferSyntax.JPEGLSNearLossless.Uid] = new JpegLsFrameDecoder(),
        [DicomTransferSyntax.JPEG2000Lossless.Uid] = new Jpeg2000FrameDecoder(),
        [DicomTransferSyntax.JPEG2000.Uid] = new Jpeg2000FrameDecoder(),
        // OpenJPEG decodes the High-Throughput block coder (T.814) since 2.5.0.
        [DicomTransferSyntax.HTJ2KLossless.Uid] = new Jpeg2000FrameDecoder(),
        // .202 constrains the progression order (RPCL) and markers (PS3.5 A.4.4); any T.814 decoder reads it.
        [DicomTransferSyntax.HTJ2KLosslessRPCL.Uid] = new Jpeg2000FrameDecoder(),
        [DicomTransferSyntax.HTJ2K.Uid] = new Jpeg2000FrameDecoder(),
    };

    /// <summary>The decoder for a transfer syntax, or null when DataForge cannot decode it.</summary>
    public static IFrameDecoder? For(DicomTransferSyntax syntax) => ByUid.GetValueOrDefault(syntax.Uid);
}
