using System.Collections.Frozen;

namespace DataForge.Dicom;

/// <summary>
/// A value representation (PS3.5 6.2, Table 6.2-1) as an immutable descriptor. Every property is data from that
/// table; code asks the descriptor rather than switching on the code.
/// </summary>
public sealed class DicomVR
{
    private DicomVR(string code, string name, bool longLength, byte padding, uint maxLength, VRKind kind,
        int unitSize = 0, bool multiValued = true, bool usesCharacterSet = false)
    {
        Code = code;
        Name = name;
        Is32BitLength = longLength;
        PaddingByte = padding;
        MaxLength = maxLength;
        Kind = kind;
        UnitSize = unitSize;
        IsMultiValued = multiValued;
        UsesSpecificCharacterSet = usesCharacterSet;
    }

    /// <summary>Two-letter code, e.g. "PN".</summary>
    public string Code { get; }

    /// <summary>Name from Table 6.2-1, e.g. "Person Name".</summary>
    public string Name { get; }

    /// <summary>Explicit VR header uses 2 reserved bytes + a 32-bit length (PS3.5 7.1.2), else a 16-bit length.</summary>
    public bool Is32BitLength { get; }

    /// <summary>Byte used to pad a value to even length: space for text, NUL for UI and binary (PS3.5 6.2).</summary>
    public byte PaddingByte { get; }

    /// <summary>Maximum length of one value in bytes (or characters for PN/SH/LO/...), uint.MaxValue when unbounded.</summary>
    public uint MaxLength { get; }

    /// <summary>How values of this VR are held.</summary>
    public VRKind Kind { get; }

    /// <summary>Byte width of one binary number, the unit swapped for big endian; 0 for text and bytes.</summary>
    public int UnitSize { get; }

    /// <summary>Text values of this VR are separated by backslash (PS3.5 6.4); LT, ST, UT and UR are not.</summary>
    public bool IsMultiValued { get; }

    /// <summary>Text of this VR is decoded with Specific Character Set (0008,0005), PS3.5 6.1.2.3.</summary>
    public bool UsesSpecificCharacterSet { get; }

    /// <summary>Text values (AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT).</summary>
    public bool IsString => Kind == VRKind.Text;

    /// <summary>Binary numbers stored in the transfer syntax byte order (AT, FL, FD, SL, SS, SV, UL, US, UV, OD, OF, OL, OV, OW).</summary>
    public bool IsBinaryNumber => UnitSize > 0;

    public override string ToString() => Code;

    // PS3.5 Table 6.2-1. Lengths of text VRs are in characters where the table says so.
    public static readonly DicomVR AE = new("AE", "Application Entity", false, 0x20, 16, VRKind.Text);
    public static readonly DicomVR AS = new("AS", "Age String", false, 0x20, 4, VRKind.Text);
    public static readonly DicomVR AT = new("AT", "Attribute Tag", false, 0x00, 4, VRKind.Number, 2);
    public static readonly DicomVR CS = new("CS", "Code String", false, 0x20, 16, VRKind.Text);
    public static readonly DicomVR DA = new("DA", "Date", false, 0x20, 8, VRKind.Text);
    public static readonly DicomVR DS = new("DS", "Decimal String", false, 0x20, 16, VRKind.Text);
    public static readonly DicomVR DT = new("DT", "Date Time", false, 0x20, 26, VRKind.Text);
    public static readonly DicomVR FD = new("FD", "Floating Point Double", false, 0x00, 8, VRKind.Number, 8);
    public static readonly DicomVR FL = new("FL", "Floating Point Single", false, 0x00, 4, VRKind.Number, 4);
    public static readonly DicomVR IS = new("IS", "Integer String", false, 0x20, 12, VRKind.Text);
    public static readonly DicomVR LO = new("LO", "Long String", false, 0x20, 64, VRKind.Text, usesCharacterSet: true);
    public static readonly DicomVR LT = new("LT", "Long Text", false, 0x20, 10240, VRKind.Text, multiValued: false, usesCharacterSet: true);
    public static readonly DicomVR OB = new("OB", "Other Byte", true, 0x00, uint.MaxValue, VRKind.Bytes);
    public static readonly DicomVR OD = new("OD", "Other Double", true, 0x00, uint.MaxValue, VRKind.Bytes, 8);
    public static readonly DicomVR OF = new("OF", "Other Float", true, 0x00, uint.MaxValue, VRKind.Bytes, 4);
    public static readonly DicomVR OL = new("OL", "Other Long", true, 0x00, uint.MaxValue, VRKind.Bytes, 4);
    public static readonly DicomVR OV = new("OV", "Other 64-bit Very Long", true, 0x00, uint.MaxValue, VRKind.Bytes, 8);
    public static readonly DicomVR OW = new("OW", "Other Word", true, 0x00, uint.MaxValue, VRKind.Bytes, 2);
    public static readonly DicomVR PN = new("PN", "Person Name", false, 0x20, 64, VRKind.Text, usesCharacterSet: true);
    public static readonly DicomVR SH = new("SH", "Short String", false, 0x20, 16, VRKind.Text, usesCharacterSet: true);
    public static readonly DicomVR SL = new("SL", "Signed Long", false, 0x00, 4, VRKind.Number, 4);
    public static readonly DicomVR SQ = new("SQ", "Sequence of Items", true, 0x00, uint.MaxValue, VRKind.Sequence);
    public static readonly DicomVR SS = new("SS", "Signed Short", false, 0x00, 2, VRKind.Number, 2);
    public static readonly DicomVR ST = new("ST", "Short Text", false, 0x20, 1024, VRKind.Text, multiValued: false, usesCharacterSet: true);
    public static readonly DicomVR SV = new("SV", "Signed 64-bit Very Long", true, 0x00, 8, VRKind.Number, 8);
    public static readonly DicomVR TM = new("TM", "Time", false, 0x20, 14, VRKind.Text);
    public static readonly DicomVR UC = new("UC", "Unlimited Characters", true, 0x20, uint.MaxValue, VRKind.Text, usesCharacterSet: true);
    public static readonly DicomVR UI = new("UI", "Unique Identifier", false, 0x00, 64, VRKind.Text);
    public static readonly DicomVR UL = new("UL", "Unsigned Long", false, 0x00, 4, VRKind.Number, 4);
    public static readonly DicomVR UN = new("UN", "Unknown", true, 0x00, uint.MaxValue, VRKind.Bytes);
    public static readonly DicomVR UR = new("UR", "Universal Resource Identifier", true, 0x20, uint.MaxValue, VRKind.Text, multiValued: false);
    public static readonly DicomVR US = new("US", "Unsigned Short", false, 0x00, 2, VRKind.Number, 2);
    public static readonly DicomVR UT = new("UT", "Unlimited Text", true, 0x20, uint.MaxValue, VRKind.Text, multiValued: false, usesCharacterSet: true);
    public static readonly DicomVR UV = new("UV", "Unsigned 64-bit Very Long", true, 0x00, 8, VRKind.Number, 8);

    /// <summary>Every VR of PS3.5 Table 6.2-1.</summary>
    public static IReadOnlyList<DicomVR> All { get; } =
        [AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV];

    private static readonly FrozenDictionary<ushort, DicomVR> ByCode = All.ToFrozenDictionary(v => Key((byte)v.Code[0], (byte)v.Code[1]));

    private static ushort Key(byte a, byte b) => (ushort)((a << 8) | b);

    /// <summary>The VR for two code bytes as found in an explicit VR header, or null when they name no VR.</summary>
    public static DicomVR? FromBytes(byte first, byte second) => ByCode.GetValueOrDefault(Key(first, second));

    /// <summary>The VR for a two-letter code; throws for an unknown code.</summary>
    public static DicomVR Parse(string code) =>
        code.Length == 2 && FromBytes((byte)code[0], (byte)code[1]) is { } vr ? vr
            : throw new ArgumentException($"'{code}' is not a DICOM VR (PS3.5 Table 6.2-1)", nameof(code));
}
