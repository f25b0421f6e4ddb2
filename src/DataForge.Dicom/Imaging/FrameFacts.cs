namespace DataForge.Dicom.Imaging;

/// <summary>
/// What decoding one frame of an instance found, for a user who wants to see why an instance fails: where its bytes are
/// and how many, and the decoded size and range or the decoder's reason. Technical facts only, no attribute values.
/// </summary>
/// <param name="Frame">1-based frame number.</param>
/// <param name="Fragments">Fragments that hold the frame (0 for native pixel data).</param>
/// <param name="Bytes">Bytes of the frame as stored (its codestream, or its native samples).</param>
/// <param name="Offset">Byte offset in the file of the frame's first byte (its first fragment's value), or null when unknown.</param>
/// <param name="DecodedBytes">Bytes of the decoded frame (Bits Allocated per sample), or null when it did not decode.</param>
/// <param name="Min">Smallest stored value of any sample, or null.</param>
/// <param name="Max">Largest stored value of any sample, or null.</param>
/// <param name="Error">Why the frame did not decode, or null.</param>
public sealed record FrameFacts(int Frame, int Fragments, long? Bytes, long? Offset, long? DecodedBytes, long? Min, long? Max, string? Error)
{
    /// <summary>The facts of every frame of a file's pixel data (throws <see cref="DicomFormatException"/> when it has no usable Image Pixel module).</summary>
    public static IReadOnlyList<FrameFacts> Of(DicomFile file)
    {
        var pixels = DicomPixelData.Create(file);
        var attribute = file.Dataset.Get(DicomTags.PixelData)!;
        var result = new List<FrameFacts>(pixels.NumberOfFrames);
        var decodedBytes = pixels.BitsAllocated == 1
            ? ((long)pixels.Rows * pixels.Columns * pixels.SamplesPerPixel + 7) / 8
            : (long)pixels.Rows * pixels.Columns * pixels.SamplesPerPixel * (pixels.BitsAllocated / 8);
        for (var f = 0; f < pixels.NumberOfFrames; f++)
        {
            var (fragments, bytes, offset, located) = Where(file, attribute, f, pixels.NumberOfFrames, decodedBytes);
            // A frame of single-bit samples may start inside a byte (PS3.5 8.1.1): only the first has a byte offset.
            if (pixels.BitsAllocated == 1 && f > 0) offset = null;
            if (located is not null)
            {
                result.Add(new FrameFacts(f + 1, 0, null, null, null, null, null, located));
                continue;
            }
            try
            {
                var values = pixels.GetStoredValues(f);
                long min = values.Length == 0 ? 0 : values.Min(), max = values.Length == 0 ? 0 : values.Max();
                result.Add(new FrameFacts(f + 1, fragments, bytes, offset, decodedBytes, min, max, null));
            }
            catch (Exception e) when (e is DicomFormatException or NotSupportedException)
            {
                // The frame and its offset are columns here: the decoder's own reason is enough.
                var reason = e is DicomFormatException d ? (d.InnerException as DicomFormatException ?? d).Reason : e.Message;
                result.Add(new FrameFacts(f + 1, fragments, bytes, offset, null, null, null, reason));
            }
        }
        return result;
    }

    /// <summary>The fragments, stored bytes and file offset of a frame, or the reason they cannot be told.</summary>
    private static (int Fragments, long? Bytes, long? Offset, string? Problem) Where(DicomFile file, DicomAttribute attribute, int frame, int frames, long frameBytes)
    {
        if (attribute is DicomFragmentSequence sequence)
        {
            int first, end;
            try
            {
                var extended = file.Dataset.GetElement(DicomTags.ExtendedOffsetTable) is { } table ? table.Span : default;
                (first, end) = Codecs.FrameFragments.Locate(sequence, frame, frames, extended);
            }
            catch (DicomFormatException e)
            {
                return (0, null, null, e.Reason);
            }
            var offset = Codecs.FrameFragments.FileOffset(sequence, first);
            long bytes = 0;
            for (var i = first; i < end; i++) bytes += sequence.Fragments[i].Length;
            return (end - first, bytes, offset, null);
        }
        // Native: the value starts after the element header (8 bytes implicit or short explicit VR, 12 for OB/OW explicit).
        long? start = attribute.SourceOffset < 0 ? null
            : attribute.SourceOffset + (file.TransferSyntax.IsExplicitVR ? 12 : 8) + frame * frameBytes;
        return (0, frameBytes, start, null);
    }
}
