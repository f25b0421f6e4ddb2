namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG-LS (ITU-T T.87) frames, lossless and near-lossless, through CharLS. CharLS writes samples of up to 8 bits as
/// bytes and wider ones as native 16-bit words, which on the little endian machines .NET runs on is the DICOM order.
/// </summary>
internal sealed unsafe class JpegLsFrameDecoder(NativeCodecLibrary library) : IFrameDecoder
{
    /// <summary>A decoder that uses Debian's CharLS.</summary>
    public JpegLsFrameDecoder() : this(NativeCodecLibrary.CharLs) { }

    public byte[] Decode(ReadOnlySpan<byte> codestream, FrameGeometry geometry)
    {
        NativeCodec.RequireEndMarker(codestream, "JPEG-LS");
        library.EnsureLoaded();
        nint decoder;
        try { decoder = CharLsNative.DecoderCreate(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw library.Missing();
        }
        try
        {
            fixed (byte* source = codestream)
            {
                Check(CharLsNative.SetSourceBuffer(decoder, source, (nuint)codestream.Length));
                Check(CharLsNative.ReadHeader(decoder));
                CharLsNative.FrameInfo info;
                Check(CharLsNative.GetFrameInfo(decoder, &info));
                geometry.Check("JPEG-LS", (int)info.Width, (int)info.Height, info.ComponentCount, info.BitsPerSample);
                int interleave;
                Check(CharLsNative.GetInterleaveMode(decoder, &interleave));
                nuint size;
                Check(CharLsNative.GetDestinationSize(decoder, 0, &size));
                var decoded = new byte[(int)size];
                fixed (byte* destination = decoded) Check(CharLsNative.DecodeToBuffer(decoder, destination, size, 0));
                var samplesOf = info.BitsPerSample <= 8 ? 1 : 2;
                return NativeCodec.Arrange(decoded, samplesOf, planar: interleave == 0 && info.ComponentCount > 1, geometry);
            }
        }
        finally { CharLsNative.DecoderDestroy(decoder); }
    }

    private static void Check(int error)
    {
        if (error != 0)
            throw new DicomFormatException($"the JPEG-LS codestream cannot be decoded: {CharLsNative.Message(error)}", tag: DicomTags.PixelData);
    }
}
