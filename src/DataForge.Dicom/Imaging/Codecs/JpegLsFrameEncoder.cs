namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG-LS Lossless (ITU-T T.87 with NEAR 0, transfer syntax 1.2.840.10008.1.2.4.80) encoding of one frame through
/// CharLS, for writers that must keep a sender's JPEG-LS instance in its syntax after changing its pixels. Only the
/// lossless mode is offered: DataForge never compresses lossily. Samples are coded with Bits Stored bits of precision
/// (T.87 requires every sample below 2^P), so signed samples are coded as their Bits Stored low bits, as dcmtk's
/// dcmcjpls does; a decoder sign-extends them again from Pixel Representation.
/// </summary>
public static unsafe class JpegLsFrameEncoder
{
    /// <summary>
    /// The codestream of a frame given as native little endian samples of Bits Allocated (8 or 16) each, interleaved by
    /// pixel. Throws <see cref="NotSupportedException"/> when CharLS is not installed and
    /// <see cref="DicomFormatException"/> when the frame does not fit JPEG-LS (more than 16 bits stored).
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> frame, FrameGeometry geometry)
    {
        if (geometry.BitsAllocated is not (8 or 16) || geometry.BitsStored is < 2 or > 16)
            throw new DicomFormatException($"JPEG-LS codes 2 to 16 bits per sample in 8 or 16 allocated, not {geometry.BitsStored} of {geometry.BitsAllocated} (ITU-T T.87)", tag: DicomTags.BitsStored);
        if (frame.Length < geometry.FrameBytes) throw new ArgumentException("the frame is shorter than its rows, columns and samples say", nameof(frame));
        var library = NativeCodecLibrary.CharLs;
        library.EnsureLoaded();
        var source = Samples(frame, geometry);
        nint encoder;
        try { encoder = CharLsNative.EncoderCreate(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw library.Missing();
        }
        try
        {
            var info = new CharLsNative.FrameInfo
            {
                Width = (uint)geometry.Columns, Height = (uint)geometry.Rows,
                BitsPerSample = geometry.BitsStored, ComponentCount = geometry.SamplesPerPixel,
            };
            Check(CharLsNative.SetFrameInfo(encoder, &info));
            Check(CharLsNative.SetNearLossless(encoder, 0));
            // Sample interleaving (2) for colour: the frame is already interleaved by pixel; none (0) for one component.
            Check(CharLsNative.SetInterleaveMode(encoder, geometry.SamplesPerPixel > 1 ? 2 : 0));
            nuint estimate;
            Check(CharLsNative.GetEstimatedDestinationSize(encoder, &estimate));
            var destination = new byte[(int)estimate];
            nuint written;
            fixed (byte* target = destination)
            fixed (byte* samples = source)
            {
                Check(CharLsNative.SetDestinationBuffer(encoder, target, estimate));
                Check(CharLsNative.EncodeFromBuffer(encoder, samples, (nuint)source.Length, 0));
                Check(CharLsNative.GetBytesWritten(encoder, &written));
            }
            return destination.AsSpan(0, (int)written).ToArray();
        }
        finally { CharLsNative.EncoderDestroy(encoder); }
    }

    /// <summary>
    /// The samples as CharLS reads them: bytes for up to 8 bits stored, native 16-bit words above (little endian, the
    /// order .NET runs in), each masked to Bits Stored.
    /// </summary>
    private static byte[] Samples(ReadOnlySpan<byte> frame, FrameGeometry geometry)
    {
        var count = geometry.Rows * geometry.Columns * geometry.SamplesPerPixel;
        var mask = (1 << geometry.BitsStored) - 1;
        var wide = geometry.BitsStored > 8;
        var output = new byte[count * (wide ? 2 : 1)];
        for (var i = 0; i < count; i++)
        {
            var value = geometry.BitsAllocated == 8 ? frame[i] : frame[2 * i] | frame[2 * i + 1] << 8;
            value &= mask;
            if (wide) { output[2 * i] = (byte)value; output[2 * i + 1] = (byte)(value >> 8); }
            else output[i] = (byte)value;
        }
        return output;
    }

    private static void Check(int error)
    {
        if (error != 0) throw new DicomFormatException($"the frame cannot be encoded as JPEG-LS: {CharLsNative.Message(error)}", tag: DicomTags.PixelData);
    }
}
