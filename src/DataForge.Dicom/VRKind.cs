namespace DataForge.Dicom;

/// <summary>How the values of a VR are held.</summary>
public enum VRKind
{
    /// <summary>Character strings (possibly backslash-separated).</summary>
    Text,
    /// <summary>Fixed-size binary numbers (US, SS, UL, SL, FL, FD, AT, SV, UV).</summary>
    Number,
    /// <summary>Byte or word streams (OB, OW, OF, OD, OL, OV, UN).</summary>
    Bytes,
    /// <summary>Sequence of items (SQ).</summary>
    Sequence,
}
