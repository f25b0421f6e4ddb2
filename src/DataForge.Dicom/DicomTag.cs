using System.Globalization;

namespace DataForge.Dicom;

/// <summary>A data element tag (group, element), PS3.5 7.1. Orders as the standard requires: by group, then element.</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    /// <summary>Group and element as one number, group in the high 16 bits.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <summary>Builds a tag from its 32-bit value (group in the high half).</summary>
    public static DicomTag FromValue(uint value) => new((ushort)(value >> 16), (ushort)value);

    /// <summary>Odd groups are private (PS3.5 7.8), except the groups 0001, 0003, 0005, 0007 and FFFF that may not be used.</summary>
    public bool IsPrivate => (Group & 1) == 1;

    /// <summary>A private creator element (gggg,0010-00FF), PS3.5 7.8.1.</summary>
    public bool IsPrivateCreator => IsPrivate && Element >= 0x0010 && Element <= 0x00FF;

    /// <summary>The private creator element that reserves this private element's block, e.g. (0029,1010) -> (0029,0010).</summary>
    public DicomTag PrivateCreatorTag => new(Group, (ushort)(Element >> 8));

    /// <summary>Group length element (gggg,0000), PS3.5 7.2.</summary>
    public bool IsGroupLength => Element == 0;

    /// <summary>Item, item delimitation or sequence delimitation tags (FFFE,E000/E00D/E0DD), PS3.5 7.5.</summary>
    public bool IsDelimiter => Group == 0xFFFE;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag a, DicomTag b) => a.Value < b.Value;
    public static bool operator >(DicomTag a, DicomTag b) => a.Value > b.Value;
    public static bool operator <=(DicomTag a, DicomTag b) => a.Value <= b.Value;
    public static bool operator >=(DicomTag a, DicomTag b) => a.Value >= b.Value;

    /// <summary>"(gggg,eeee)" in upper-case hex, the form dcmdump prints.</summary>
    public override string ToString() => $"({Group:X4},{Element:X4})";

    /// <summary>Parses "(gggg,eeee)", "gggg,eeee" or "ggggeeee".</summary>
    public static DicomTag Parse(string text)
    {
        var s = text.Trim().TrimStart('(').TrimEnd(')').Replace(",", "", StringComparison.Ordinal);
        if (s.Length != 8 || !uint.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw new FormatException($"'{text}' is not a DICOM tag: expected (gggg,eeee)");
        return FromValue(v);
    }

    /// <summary>Item tag (FFFE,E000).</summary>
    public static readonly DicomTag ItemTag = new(0xFFFE, 0xE000);

    /// <summary>Item delimitation tag (FFFE,E00D).</summary>
    public static readonly DicomTag ItemDelimitation = new(0xFFFE, 0xE00D);

    /// <summary>Sequence delimitation tag (FFFE,E0DD).</summary>
    public static readonly DicomTag SequenceDelimitation = new(0xFFFE, 0xE0DD);
}
