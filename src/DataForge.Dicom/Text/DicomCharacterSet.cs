using System.Text;

namespace DataForge.Dicom.Text;

/// <summary>
/// Decodes and encodes text values under a Specific Character Set (0008,0005), PS3.5 6.1 and PS3.3 C.12.1.1.2,
/// including ISO 2022 code extensions (escape sequences switching G0/G1, PS3.5 6.1.2.5).
/// </summary>
public sealed class DicomCharacterSet
{
    private readonly CharacterSetTerm[] _terms;

    private DicomCharacterSet(CharacterSetTerm[] terms, IReadOnlyList<string> unknown)
    {
        _terms = terms;
        UnknownTerms = unknown;
    }

    /// <summary>The default repertoire (no Specific Character Set).</summary>
    public static DicomCharacterSet Default { get; } = new([CharacterSetTerm.All[0]], []);

    /// <summary>The defined terms as given.</summary>
    public IReadOnlyList<string> Terms => _terms.Select(t => t.Term).ToList();

    /// <summary>Terms not recognised (decoded as the default repertoire).</summary>
    public IReadOnlyList<string> UnknownTerms { get; }

    /// <summary>True when values may contain escape sequences (any term is an ISO 2022 term or more than one term).</summary>
    public bool UsesCodeExtensions => _terms.Length > 1 || _terms[0].IsCodeExtension;

    /// <summary>Builds the character set of the values of Specific Character Set; empty values mean the default repertoire.</summary>
    public static DicomCharacterSet FromTerms(IReadOnlyList<string> values)
    {
        if (values.Count == 0) return Default;
        var terms = new List<CharacterSetTerm>();
        var unknown = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i].Trim();
            var term = CharacterSetTerm.Find(v);
            if (term is null)
            {
                unknown.Add(v);
                term = CharacterSetTerm.All[0];
            }
            // PS3.3 C.12.1.1.2: an empty first value means the default repertoire with code extensions.
            if (i == 0 && v.Length == 0 && values.Count > 1) term = CharacterSetTerm.Find("ISO 2022 IR 6")!;
            terms.Add(term);
        }
        return new DicomCharacterSet([.. terms], unknown);
    }

    /// <summary>Decodes a value (all of it, separators included) of a VR that uses Specific Character Set.</summary>
    public string Decode(ReadOnlySpan<byte> bytes, bool isPersonName = false)
    {
        if (!UsesCodeExtensions) return Decode(_terms[0], bytes);
        var sb = new StringBuilder(bytes.Length);
        var initial = _terms[0];
        var g0 = initial.G0;
        var g1 = initial.G1;
        var i = 0;
        while (i < bytes.Length)
        {
            if (bytes[i] == 0x1B)
            {
                var consumed = Designate(bytes[i..], ref g0, ref g1);
                if (consumed > 0)
                {
                    i += consumed;
                    continue;
                }
            }
            // A run: bytes up to the next escape or delimiter, all in G0 (high bit clear) or all in G1.
            var high = bytes[i] >= 0x80;
            var start = i;
            while (i < bytes.Length && bytes[i] != 0x1B && (bytes[i] >= 0x80) == high && !IsDelimiter(bytes[i], g0, isPersonName))
                i++;
            if (i == start)
            {
                // A delimiter in a single-byte G0: PS3.5 6.1.2.5.3, the initial character set is active again after it.
                sb.Append((char)bytes[i]);
                i++;
                g0 = initial.G0;
                g1 = initial.G1;
                continue;
            }
            var code = high ? g1 ?? g0 : g0;
            sb.Append(code.Decode(bytes[start..i]));
        }
        return sb.ToString();
    }

    private static bool IsDelimiter(byte b, CodeElement g0, bool personName) =>
        g0.Form == CodeElementForm.SingleByte && (b == (byte)'\\' || b == 0x0D || b == 0x0A || b == 0x09 || b == 0x0C || (personName && b == (byte)'='));

    private static string Decode(CharacterSetTerm term, ReadOnlySpan<byte> bytes)
    {
        if (term.G1 is null || term.G1 == term.G0) return term.G0.Decode(bytes);
        // Single-byte extended sets: ISO 8859 and friends decode the whole byte range.
        return term.G1.Decode(bytes);
    }

    private int Designate(ReadOnlySpan<byte> bytes, ref CodeElement g0, ref CodeElement? g1)
    {
        if (bytes.StartsWith(CharacterSetTerm.EscapeAsciiG0) || bytes.StartsWith(CharacterSetTerm.EscapeRomajiG0))
        {
            g0 = CodeElement.Ascii;
            return 3;
        }
        foreach (var term in CharacterSetTerm.All)
        {
            if (term.Escape.Length == 0 || !bytes.StartsWith(term.Escape)) continue;
            // The escape of a G0 set (ESC ( / ESC $ B / ESC $ ( D) replaces G0, the others replace G1.
            if (term.G1 is null) g0 = term.G0;
            else g1 = term.G1;
            return term.Escape.Length;
        }
        return 0;
    }

    /// <summary>Encodes text in this character set. Code extensions are written only for the first term.</summary>
    public byte[] Encode(string text)
    {
        var term = _terms[0];
        var element = term.G1 ?? term.G0;
        if (element == CodeElement.Ascii)
        {
            foreach (var c in text)
                if (c > 0x7F)
                    throw new ArgumentException(
                        "text has characters outside the default repertoire; set Specific Character Set (0008,0005), e.g. ISO_IR 192, first");
        }
        if (element.Form != CodeElementForm.SingleByte)
            throw new NotSupportedException("writing ISO 2022 multi-byte code extensions is not supported; use ISO_IR 192");
        return element.Encoding.GetBytes(text);
    }
}
