namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// Finds the fragments that hold one frame of encapsulated pixel data (PS3.5 A.4): by the Basic Offset Table when it
/// has one offset per frame, else one fragment per frame when the counts agree, else by where each codestream starts
/// (an empty offset table allows a frame to span several fragments).
/// </summary>
public static class FrameFragments
{
    /// <summary>The concatenated bytes of frame <paramref name="frame"/> of <paramref name="frames"/>.</summary>
    public static byte[] Of(DicomFragmentSequence fragments, int frame, int frames)
    {
        var all = fragments.Fragments;
        if (frames == 1) return Concatenate(all, 0, all.Count);
        var offsets = fragments.Offsets;
        if (offsets.Count == frames)
        {
            // Offsets count from the first byte of the first fragment's item header (8 bytes per item header).
            long position = 0;
            int first = -1, end = all.Count;
            long stop = frame + 1 < frames ? offsets[frame + 1] : long.MaxValue;
            for (var i = 0; i < all.Count; i++)
            {
                if (position == offsets[frame]) first = i;
                if (position == stop) { end = i; break; }
                position += 8 + all[i].Length;
            }
            if (first < 0 || end <= first)
                throw new DicomFormatException($"the Basic Offset Table's offset {offsets[frame]} for frame {frame} is not the start of a fragment (PS3.5 A.4)", tag: DicomTags.PixelData);
            return Concatenate(all, first, end);
        }
        if (all.Count == frames) return all[frame];
        var starts = new List<int>();
        for (var i = 0; i < all.Count; i++) if (StartsCodestream(all[i])) starts.Add(i);
        if (starts.Count != frames || starts[0] != 0)
            throw new DicomFormatException($"cannot tell which fragments hold frame {frame}: no Basic Offset Table, {all.Count} fragments for {frames} frames and {starts.Count} codestream starts (PS3.5 A.4)", tag: DicomTags.PixelData);
        return Concatenate(all, starts[frame], frame + 1 < frames ? starts[frame + 1] : all.Count);
    }

    /// <summary>JPEG and JPEG-LS start with SOI (FFD8), a JPEG 2000 codestream with SOC SIZ (FF4F FF51), JP2 with its signature box.</summary>
    private static bool StartsCodestream(byte[] fragment) =>
        fragment.Length >= 4 && fragment[0] == 0xFF && (fragment[1] == 0xD8 || (fragment[1] == 0x4F && fragment[2] == 0xFF && fragment[3] == 0x51))
        || fragment.Length >= 8 && fragment[4] == (byte)'j' && fragment[5] == (byte)'P' && fragment[6] == (byte)' ' && fragment[7] == (byte)' ';

    private static byte[] Concatenate(IReadOnlyList<byte[]> fragments, int first, int end)
    {
        if (end - first == 1) return fragments[first];
        var length = 0;
        for (var i = first; i < end; i++) length += fragments[i].Length;
        var bytes = new byte[length];
        for (int i = first, o = 0; i < end; o += fragments[i].Length, i++) fragments[i].CopyTo(bytes, o);
        return bytes;
    }
}
