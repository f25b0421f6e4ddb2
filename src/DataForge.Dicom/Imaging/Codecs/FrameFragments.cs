namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// Finds the fragments that hold one frame of encapsulated pixel data (PS3.5 A.4): by the Extended Offset Table
/// (7FE0,0001) or the Basic Offset Table when one has an offset per frame, else one fragment per frame when the counts
/// agree, else by where each codestream starts (an empty offset table allows a frame to span several fragments).
/// </summary>
public static class FrameFragments
{
    /// <summary>
    /// The concatenated bytes of frame <paramref name="frame"/> of <paramref name="frames"/>; <paramref name="extended"/>
    /// is the Extended Offset Table's value, when the dataset has one.
    /// </summary>
    public static byte[] Of(DicomFragmentSequence fragments, int frame, int frames, ReadOnlySpan<byte> extended = default)
    {
        var (first, end) = Locate(fragments, frame, frames, extended);
        return Concatenate(fragments.Fragments, first, end);
    }

    /// <summary>
    /// Which fragments hold frame <paramref name="frame"/> of <paramref name="frames"/>: the index of the first and one past
    /// the last. Throws <see cref="DicomFormatException"/> when the offset tables or the fragments do not tell.
    /// </summary>
    public static (int First, int End) Locate(DicomFragmentSequence fragments, int frame, int frames, ReadOnlySpan<byte> extended = default)
    {
        var all = fragments.Fragments;
        if (frames == 1) return (0, all.Count);
        IReadOnlyList<ulong> offsets = fragments.Offsets.Select(o => (ulong)o).ToArray();
        var table = "Basic Offset Table";
        if (!extended.IsEmpty)
        {
            // PS3.3 C.7.6.3.1.8: one 64-bit offset per frame, counted like the Basic Offset Table's, which is then empty.
            if (extended.Length != frames * 8)
                throw new DicomFormatException($"the Extended Offset Table has {extended.Length / 8} offsets for {frames} frames (PS3.3 C.7.6.3.1.8)", tag: DicomTags.ExtendedOffsetTable);
            var list = new ulong[frames];
            for (var i = 0; i < frames; i++) list[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(extended[(i * 8)..]);
            offsets = list;
            table = "Extended Offset Table";
        }
        if (offsets.Count == frames)
        {
            // Offsets count from the first byte of the first fragment's item header (8 bytes per item header).
            ulong position = 0;
            int first = -1, end = all.Count;
            var stop = frame + 1 < frames ? offsets[frame + 1] : ulong.MaxValue;
            for (var i = 0; i < all.Count; i++)
            {
                if (position == offsets[frame]) first = i;
                if (position == stop) { end = i; break; }
                position += 8 + (ulong)all[i].Length;
            }
            if (first < 0 || end <= first)
                throw new DicomFormatException($"the {table}'s offset {offsets[frame]} for frame {frame} is not the start of a fragment (PS3.5 A.4)", tag: DicomTags.PixelData);
            return (first, end);
        }
        if (all.Count == frames) return (frame, frame + 1);
        var starts = new List<int>();
        for (var i = 0; i < all.Count; i++) if (StartsCodestream(all[i])) starts.Add(i);
        if (starts.Count != frames || starts[0] != 0)
            throw new DicomFormatException($"cannot tell which fragments hold frame {frame}: no Basic Offset Table, {all.Count} fragments for {frames} frames and {starts.Count} codestream starts (PS3.5 A.4)", tag: DicomTags.PixelData);
        return (starts[frame], frame + 1 < frames ? starts[frame + 1] : all.Count);
    }

    /// <summary>
    /// The byte offset, in the file the sequence was read from, of the value of fragment <paramref name="fragment"/>, or null
    /// for a sequence built in memory. PS3.5 A.4: the element header (tag, VR, reserved, undefined length: 12 bytes), the
    /// Basic Offset Table item, then each fragment's 8-byte item header and value.
    /// </summary>
    public static long? FileOffset(DicomFragmentSequence fragments, int fragment)
    {
        if (fragments.SourceOffset < 0) return null;
        var position = fragments.SourceOffset + 12 + 8 + fragments.OffsetTable.Length;
        for (var i = 0; i < fragment; i++) position += 8 + fragments.Fragments[i].Length;
        return position + 8;
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
