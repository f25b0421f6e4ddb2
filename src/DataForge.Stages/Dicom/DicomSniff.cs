using DataForge.Dicom;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Whether a file's first bytes start a DICOM file at all, before anything tries to parse it: exports carry README
/// files, PDFs, JPEG previews and viewer executables beside the images, and such a file is skipped, not a failure.
/// A file is DICOM-looking when it has the Part 10 preamble and prefix (PS3.10 7.1: 128 bytes, then "DICM"), the
/// prefix without the preamble, or starts with a plausible little-endian data element of group 0002 (file meta),
/// 0008 (the first group of nearly every dataset) or 0000, 0004, 0010 (datasets written raw, with implicit or
/// explicit VR; explicit VR big endian too): group even and one of those, and either a known VR (explicit) or a 32-bit length that fits the
/// file (implicit). Anything else is not DICOM. A DICOM-looking file that then does not parse is damaged DICOM.
/// </summary>
public static class DicomSniff
{
    /// <summary>How many leading bytes <see cref="LooksLikeDicom"/> reads.</summary>
    public const int HeadLength = 140;

    private static readonly ushort[] FirstGroups = [0x0000, 0x0002, 0x0004, 0x0008, 0x0010];

    /// <summary>True when <paramref name="head"/> (the first up to <see cref="HeadLength"/> bytes of a file of <paramref name="length"/> bytes) starts a DICOM file.</summary>
    public static bool LooksLikeDicom(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length >= 132 && head.Slice(128, 4).SequenceEqual("DICM"u8)) return true;
        if (head.Length >= 4 && head[..4].SequenceEqual("DICM"u8)) return true;
        return PlausibleElement(head, length);
    }

    private static bool PlausibleElement(ReadOnlySpan<byte> h, long length)
    {
        if (h.Length < 8) return false;
        var explicitVR = DicomVR.FromBytes(h[4], h[5]) is not null;
        // Explicit VR Big Endian (retired, PS3.5 A.3) written raw: the same groups, bytes swapped.
        if (explicitVR && Array.IndexOf(FirstGroups, (ushort)(h[0] << 8 | h[1])) >= 0) return true;
        if (Array.IndexOf(FirstGroups, (ushort)(h[0] | h[1] << 8)) < 0) return false;
        if (explicitVR) return true;
        var implicitLength = (uint)(h[4] | h[5] << 8 | h[6] << 16 | h[7] << 24);
        return implicitLength == 0xFFFFFFFF || implicitLength <= length - 8;
    }
}
