using System.Collections.Frozen;

namespace DataForge.Dicom;

/// <summary>
/// A transfer syntax (PS3.5 10, Annex A) as an immutable descriptor: how a dataset is encoded on the wire.
/// </summary>
public sealed class DicomTransferSyntax
{
    private DicomTransferSyntax(string uid, string name, bool explicitVR, bool bigEndian, bool deflated, bool encapsulated,
        bool retired = false)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsRetired = retired;
    }

    public string Uid { get; }
    public string Name { get; }

    /// <summary>VR is written in each element header (PS3.5 7.1.2); false for Implicit VR Little Endian.</summary>
    public bool IsExplicitVR { get; }

    /// <summary>Big endian byte order (PS3.5 A.3, retired).</summary>
    public bool IsBigEndian { get; }

    /// <summary>The dataset after the meta information is compressed with deflate, RFC 1951 (PS3.5 A.5).</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel data is a sequence of fragments (PS3.5 A.4).</summary>
    public bool IsEncapsulated { get; }

    public bool IsRetired { get; }

    /// <summary>
    /// The syntax allows lossy compression (PS3.5 8.2, A.4): its decoded pixels may differ from what the modality made,
    /// so whatever derives from them must say so (PS3.3 C.7.6.1.1.5). A lossless-only syntax is false even when its
    /// pixels were lossy-compressed before, which only Lossy Image Compression (0028,2110) tells.
    /// </summary>
    public bool IsLossy { get; private init; }

    /// <summary>
    /// The Lossy Image Compression Method (0028,2114) defined term of the syntax's lossy process (PS3.3 C.7.6.1.1.5.1),
    /// or null when the syntax is not lossy.
    /// </summary>
    public string? LossyMethod { get; private init; }

    /// <summary>True when this library knows the UID; false for UIDs read from a file and assumed encapsulated.</summary>
    public bool IsKnown => Known.ContainsKey(Uid);

    public override string ToString() => $"{Name} ({Uid})";

    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false, retired: true);
    public static readonly DicomTransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, true);
    public static readonly DicomTransferSyntax JPEGBaseline8Bit = new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_10918_1" };
    public static readonly DicomTransferSyntax JPEGExtended12Bit = new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_10918_1" };
    public static readonly DicomTransferSyntax JPEGLossless = new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, false, false, true);
    public static readonly DicomTransferSyntax JPEGLosslessSV1 = new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", true, false, false, true);
    public static readonly DicomTransferSyntax JPEGLSLossless = new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", true, false, false, true);
    public static readonly DicomTransferSyntax JPEGLSNearLossless = new("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_14495_1" };
    public static readonly DicomTransferSyntax JPEG2000Lossless = new("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", true, false, false, true);
    public static readonly DicomTransferSyntax JPEG2000 = new("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_15444_1" };
    public static readonly DicomTransferSyntax HTJ2KLossless = new("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", true, false, false, true);
    public static readonly DicomTransferSyntax HTJ2KLosslessRPCL = new("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", true, false, false, true);
    public static readonly DicomTransferSyntax HTJ2K = new("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_15444_15" };
    public static readonly DicomTransferSyntax MPEG2 = new("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_13818_2" };
    public static readonly DicomTransferSyntax MPEG4 = new("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", true, false, false, true) { IsLossy = true, LossyMethod = "ISO_14496_10" };
    public static readonly DicomTransferSyntax RLELossless = new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, true);

    /// <summary>Every transfer syntax this library names.</summary>
    public static IReadOnlyList<DicomTransferSyntax> All { get; } =
    [
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian,
        EncapsulatedUncompressedExplicitVRLittleEndian, JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLossless, JPEGLosslessSV1,
        JPEGLSLossless, JPEGLSNearLossless, JPEG2000Lossless, JPEG2000, HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K, MPEG2, MPEG4, RLELossless,
    ];

    private static readonly FrozenDictionary<string, DicomTransferSyntax> Known = All.ToFrozenDictionary(t => t.Uid, StringComparer.Ordinal);

    /// <summary>
    /// The transfer syntax for a UID. A UID this library does not name is taken as an encapsulated Explicit VR
    /// Little Endian syntax, as PS3.5 A.4 requires of every transfer syntax other than the native ones.
    /// </summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        var trimmed = uid.TrimEnd('\0', ' ');
        return Known.TryGetValue(trimmed, out var ts) ? ts : new DicomTransferSyntax(trimmed, "Unknown", true, false, false, true);
    }
}
