using System.Text;

namespace DataForge.Dicom.Text;

/// <summary>
/// One graphic character set that ISO 2022 can invoke into G0 or G1 (PS3.3 C.12.1.1.2, PS3.5 6.1.2.5), with the
/// .NET encoding that decodes its bytes.
/// </summary>
internal sealed class CodeElement
{
    private CodeElement(string name, Encoding encoding, CodeElementForm form)
    {
        Name = name;
        Encoding = encoding;
        Form = form;
    }

    public string Name { get; }
    public Encoding Encoding { get; }
    public CodeElementForm Form { get; }

    /// <summary>Decodes a run of bytes that all belong to this code element.</summary>
    public string Decode(ReadOnlySpan<byte> run)
    {
        switch (Form)
        {
            case CodeElementForm.SevenBitTwoByte:
                // JIS X 0208 in G0: shift each byte into the EUC-JP range (PS3.5 6.1.2.5.3, ISO 2022 GL -> GR).
                var euc = new byte[run.Length];
                for (var i = 0; i < run.Length; i++) euc[i] = (byte)(run[i] | 0x80);
                return Encoding.GetString(euc);
            case CodeElementForm.SevenBitTwoByteSupplementary:
                // JIS X 0212 (ISO-IR 159): no encoding of the BCL maps it (EUC-JP code set 3 is not decoded), so
                // each character becomes U+FFFD rather than a wrong character.
                return new string('\uFFFD', run.Length / 2);
            default:
                return Encoding.GetString(run);
        }
    }

    /// <summary>
    /// The bytes of one character (a UTF-16 code unit or a surrogate pair) in this code element as it is written
    /// when invoked (G0 sets as 7-bit bytes, G1 sets with the high bit set); null when the element does not hold
    /// the character. Only what the element itself holds counts: the BCL's code pages also map characters of other
    /// sets (code page 932 holds kanji, 936 holds GBK beyond GB 2312), which would not decode under this element.
    /// </summary>
    public byte[]? EncodeCharacter(string character)
    {
        if (this == Ascii) return character.Length == 1 && character[0] <= 0x7F ? [(byte)character[0]] : null;
        var bytes = Strict(character);
        if (bytes is null) return null;
        if (this == Utf8 || this == Gb18030 || this == Gbk) return bytes;
        switch (Form)
        {
            case CodeElementForm.SevenBitTwoByte:
                // EUC-JP code set 1 (two bytes A1-FE) is JIS X 0208 with the high bits set: ISO 2022 writes it in GL.
                return bytes is [>= 0xA1 and <= 0xFE, >= 0xA1 and <= 0xFE] ? [(byte)(bytes[0] & 0x7F), (byte)(bytes[1] & 0x7F)] : null;
            case CodeElementForm.SevenBitTwoByteSupplementary:
                // EUC-JP code set 3 (SS3 then two bytes) is JIS X 0212, when the code page maps the character at all.
                return bytes is [0x8F, >= 0xA1 and <= 0xFE, >= 0xA1 and <= 0xFE] ? [(byte)(bytes[1] & 0x7F), (byte)(bytes[2] & 0x7F)] : null;
        }
        if (this == JisX0201) return bytes is [>= 0xA1 and <= 0xDF] ? bytes : null;
        if (this == KsX1001 || this == Gb2312) return bytes is [>= 0xA1 and <= 0xFE, >= 0xA1 and <= 0xFE] ? bytes : null;
        // The single-byte sets of ISO 8859 and TIS 620: their G1 half.
        return bytes is [>= 0xA0] ? bytes : null;
    }

    private Encoding? _strict;

    /// <summary>The bytes of text in this element's encoding, or null when one of its characters has none (no '?' substitutes).</summary>
    private byte[]? Strict(string text)
    {
        var strict = _strict;
        if (strict is null)
        {
            strict = (Encoding)Encoding.Clone();
            strict.EncoderFallback = EncoderFallback.ExceptionFallback;
            _strict = strict;
        }
        try
        {
            return strict.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    private static Encoding CodePage(int codePage) =>
        codePage == 65001 ? new UTF8Encoding(false) : CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.Latin1;

    public static readonly CodeElement Ascii = new("ASCII", Encoding.Latin1, CodeElementForm.SingleByte);
    public static readonly CodeElement Latin1 = new("ISO-IR 100", Encoding.Latin1, CodeElementForm.SingleByte);
    public static readonly CodeElement Latin2 = new("ISO-IR 101", CodePage(28592), CodeElementForm.SingleByte);
    public static readonly CodeElement Latin3 = new("ISO-IR 109", CodePage(28593), CodeElementForm.SingleByte);
    public static readonly CodeElement Latin4 = new("ISO-IR 110", CodePage(28594), CodeElementForm.SingleByte);
    public static readonly CodeElement Cyrillic = new("ISO-IR 144", CodePage(28595), CodeElementForm.SingleByte);
    public static readonly CodeElement Arabic = new("ISO-IR 127", CodePage(28596), CodeElementForm.SingleByte);
    public static readonly CodeElement Greek = new("ISO-IR 126", CodePage(28597), CodeElementForm.SingleByte);
    public static readonly CodeElement Hebrew = new("ISO-IR 138", CodePage(28598), CodeElementForm.SingleByte);
    public static readonly CodeElement Latin5 = new("ISO-IR 148", CodePage(28599), CodeElementForm.SingleByte);
    public static readonly CodeElement Latin9 = new("ISO-IR 203", CodePage(28605), CodeElementForm.SingleByte);
    public static readonly CodeElement Thai = new("ISO-IR 166", CodePage(874), CodeElementForm.SingleByte);
    public static readonly CodeElement JisX0201 = new("ISO-IR 13", CodePage(932), CodeElementForm.SingleByte);
    public static readonly CodeElement JisX0208 = new("ISO-IR 87", CodePage(20932), CodeElementForm.SevenBitTwoByte);
    public static readonly CodeElement JisX0212 = new("ISO-IR 159", CodePage(20932), CodeElementForm.SevenBitTwoByteSupplementary);
    public static readonly CodeElement KsX1001 = new("ISO-IR 149", CodePage(51949), CodeElementForm.SingleByte);
    public static readonly CodeElement Gb2312 = new("ISO-IR 58", CodePage(936), CodeElementForm.SingleByte);
    public static readonly CodeElement Utf8 = new("ISO-IR 192", CodePage(65001), CodeElementForm.SingleByte);
    public static readonly CodeElement Gb18030 = new("GB18030", CodePage(54936), CodeElementForm.SingleByte);
    public static readonly CodeElement Gbk = new("GBK", CodePage(936), CodeElementForm.SingleByte);
}

/// <summary>How the bytes of a code element are laid out.</summary>
internal enum CodeElementForm
{
    /// <summary>Bytes decode directly with the encoding (single-byte sets, UTF-8, EUC forms in G1).</summary>
    SingleByte,
    /// <summary>94x94 set invoked in G0 (JIS X 0208).</summary>
    SevenBitTwoByte,
    /// <summary>94x94 supplementary set invoked in G0 (JIS X 0212).</summary>
    SevenBitTwoByteSupplementary,
}
