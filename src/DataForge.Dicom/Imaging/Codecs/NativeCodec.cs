namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>What the decoders that call native libraries share: the end marker check and the sample layout.</summary>
internal static class NativeCodec
{
    /// <summary>
    /// Throws unless the codestream ends with FFD9 (EOI in JPEG and JPEG-LS, EOC in JPEG 2000), after at most one zero
    /// byte of fragment padding (PS3.5 A.4). A truncated codestream is refused here because the native decoders handle
    /// it badly: OpenJPEG fills the missing part with zeros without complaint, and CharLS 2.4 takes seconds per frame
    /// before it reports the truncation.
    /// </summary>
    public static void RequireEndMarker(ReadOnlySpan<byte> codestream, string codec)
    {
        var end = codestream.Length;
        if (end > 0 && codestream[end - 1] == 0) end--;
        if (end < 4 || codestream[end - 2] != 0xFF || codestream[end - 1] != 0xD9)
            throw new DicomFormatException($"the {codec} codestream of {codestream.Length} bytes does not end with its end marker (FFD9); it is truncated or damaged", tag: DicomTags.PixelData);
    }

    /// <summary>
    /// Copies decoded samples of <paramref name="bytesPerSample"/> bytes (planes or interleaved) into the frame
    /// layout: Bits Allocated per sample, interleaved by pixel.
    /// </summary>
    public static byte[] Arrange(byte[] decoded, int bytesPerSample, bool planar, FrameGeometry geometry)
    {
        var size = geometry.BitsAllocated / 8;
        var samples = geometry.SamplesPerPixel;
        var pixels = geometry.Rows * geometry.Columns;
        if (!planar && bytesPerSample == size && decoded.Length == geometry.FrameBytes) return decoded;
        if (decoded.Length < pixels * samples * bytesPerSample)
            throw new DicomFormatException($"the decoder returned {decoded.Length} bytes for a frame of {pixels * samples * bytesPerSample}", tag: DicomTags.PixelData);
        var output = new byte[geometry.FrameBytes];
        for (var p = 0; p < pixels; p++)
        for (var c = 0; c < samples; c++)
        {
            var source = (planar ? c * pixels + p : p * samples + c) * bytesPerSample;
            var target = (p * samples + c) * size;
            output[target] = decoded[source];
            if (size == 2) output[target + 1] = bytesPerSample == 2 ? decoded[source + 1] : (byte)0;
        }
        return output;
    }
}
