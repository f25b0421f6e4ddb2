namespace DataForge.Dicom.Text;

/// <summary>
/// A defined term of Specific Character Set (PS3.3 Tables C.12-2 to C.12-5): the code elements it puts into G0 and
/// G1 and the escape sequence that invokes it.
/// </summary>
internal sealed record CharacterSetTerm(string Term, CodeElement G0, CodeElement? G1, bool IsCodeExtension, byte[] Escape)
{
    /// <summary>PS3.3 C.12.1.1.2: terms, code elements and ISO 2022 escape sequences.</summary>
    public static readonly IReadOnlyList<CharacterSetTerm> All =
    [
        new("", CodeElement.Ascii, null, false, []),
        new("ISO_IR 6", CodeElement.Ascii, null, false, []),
        new("ISO_IR 100", CodeElement.Ascii, CodeElement.Latin1, false, []),
        new("ISO_IR 101", CodeElement.Ascii, CodeElement.Latin2, false, []),
        new("ISO_IR 109", CodeElement.Ascii, CodeElement.Latin3, false, []),
        new("ISO_IR 110", CodeElement.Ascii, CodeElement.Latin4, false, []),
        new("ISO_IR 144", CodeElement.Ascii, CodeElement.Cyrillic, false, []),
        new("ISO_IR 127", CodeElement.Ascii, CodeElement.Arabic, false, []),
        new("ISO_IR 126", CodeElement.Ascii, CodeElement.Greek, false, []),
        new("ISO_IR 138", CodeElement.Ascii, CodeElement.Hebrew, false, []),
        new("ISO_IR 148", CodeElement.Ascii, CodeElement.Latin5, false, []),
        new("ISO_IR 203", CodeElement.Ascii, CodeElement.Latin9, false, []),
        new("ISO_IR 166", CodeElement.Ascii, CodeElement.Thai, false, []),
        new("ISO_IR 13", CodeElement.JisX0201, CodeElement.JisX0201, false, []),
        new("ISO_IR 192", CodeElement.Utf8, CodeElement.Utf8, false, []),
        new("GB18030", CodeElement.Gb18030, CodeElement.Gb18030, false, []),
        new("GBK", CodeElement.Gbk, CodeElement.Gbk, false, []),
        new("ISO 2022 IR 6", CodeElement.Ascii, null, true, [0x1B, 0x28, 0x42]),
        new("ISO 2022 IR 100", CodeElement.Ascii, CodeElement.Latin1, true, [0x1B, 0x2D, 0x41]),
        new("ISO 2022 IR 101", CodeElement.Ascii, CodeElement.Latin2, true, [0x1B, 0x2D, 0x42]),
        new("ISO 2022 IR 109", CodeElement.Ascii, CodeElement.Latin3, true, [0x1B, 0x2D, 0x43]),
        new("ISO 2022 IR 110", CodeElement.Ascii, CodeElement.Latin4, true, [0x1B, 0x2D, 0x44]),
        new("ISO 2022 IR 144", CodeElement.Ascii, CodeElement.Cyrillic, true, [0x1B, 0x2D, 0x4C]),
        new("ISO 2022 IR 127", CodeElement.Ascii, CodeElement.Arabic, true, [0x1B, 0x2D, 0x47]),
        new("ISO 2022 IR 126", CodeElement.Ascii, CodeElement.Greek, true, [0x1B, 0x2D, 0x46]),
        new("ISO 2022 IR 138", CodeElement.Ascii, CodeElement.Hebrew, true, [0x1B, 0x2D, 0x48]),
        new("ISO 2022 IR 148", CodeElement.Ascii, CodeElement.Latin5, true, [0x1B, 0x2D, 0x4D]),
        new("ISO 2022 IR 203", CodeElement.Ascii, CodeElement.Latin9, true, [0x1B, 0x2D, 0x62]),
        new("ISO 2022 IR 166", CodeElement.Ascii, CodeElement.Thai, true, [0x1B, 0x2D, 0x54]),
        new("ISO 2022 IR 13", CodeElement.Ascii, CodeElement.JisX0201, true, [0x1B, 0x29, 0x49]),
        new("ISO 2022 IR 87", CodeElement.JisX0208, null, true, [0x1B, 0x24, 0x42]),
        new("ISO 2022 IR 159", CodeElement.JisX0212, null, true, [0x1B, 0x24, 0x28, 0x44]),
        new("ISO 2022 IR 149", CodeElement.Ascii, CodeElement.KsX1001, true, [0x1B, 0x24, 0x29, 0x43]),
        new("ISO 2022 IR 58", CodeElement.Ascii, CodeElement.Gb2312, true, [0x1B, 0x24, 0x29, 0x41]),
    ];

    /// <summary>The term with this name (spaces and case as written in the standard), or null.</summary>
    public static CharacterSetTerm? Find(string term)
    {
        var t = term.Trim();
        foreach (var c in All)
            if (string.Equals(c.Term, t, StringComparison.OrdinalIgnoreCase)) return c;
        // A common mis-spelling in the wild: "ISO IR 100" / "ISO-IR 100" for "ISO_IR 100".
        var normalised = t.Replace('-', '_').Replace("ISO IR", "ISO_IR", StringComparison.OrdinalIgnoreCase);
        foreach (var c in All)
            if (string.Equals(c.Term, normalised, StringComparison.OrdinalIgnoreCase)) return c;
        return null;
    }

    /// <summary>Escape sequences that switch only G0 to ASCII or JIS X 0201 romaji (ESC ( B, ESC ( J).</summary>
    public static readonly byte[] EscapeAsciiG0 = [0x1B, 0x28, 0x42];
    public static readonly byte[] EscapeRomajiG0 = [0x1B, 0x28, 0x4A];
}
