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
                // When the initial set has no G1, the one designated before stays: writers (pydicom among them)
                // designate a G1 set such as KS X 1001 once per value, and its bytes read as anything else would
                // hide the names in them from the cleaners.
                sb.Append((char)bytes[i]);
                i++;
                g0 = initial.G0;
                g1 = initial.G1 ?? g1;
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

    /// <summary>
    /// Encodes text in this character set; throws <see cref="ArgumentException"/> when a character is in none of its
    /// code elements (see <see cref="TryEncode"/>).
    /// </summary>
    public byte[] Encode(string text) => TryEncode(text, out var bytes)
        ? bytes
        : throw new ArgumentException(
            $"text has characters that Specific Character Set (0008,0005) '{string.Join('\\', Terms)}' cannot represent; convert the dataset to ISO_IR 192 first (DicomTextEncoding.ToUnicode)");

    /// <summary>
    /// Encodes text in this character set, false when a character is in none of its code elements. With code
    /// extensions (PS3.5 6.1.2.5.3) a character outside the sets in force is written after the escape sequence of
    /// the first term that holds it, and the initial sets are invoked again before every delimiter (backslash,
    /// CR, LF, TAB, FF, and the caret and equals sign that separate person name components, written so for
    /// every VR since a redundant escape sequence is harmless) and at the end of the text.
    /// </summary>
    public bool TryEncode(string text, out byte[] bytes)
    {
        var initial = _terms[0];
        // Every term's initial G0 writes the default repertoire's characters as ASCII bytes (JIS X 0201 romaji
        // differs only in two glyphs, which its decoders map back to backslash and tilde).
        if (IsAscii(text))
        {
            bytes = Encoding.ASCII.GetBytes(text);
            return true;
        }
        var initialG0 = initial.G0.Form == CodeElementForm.SingleByte && initial.G0 != CodeElement.JisX0201 ? initial.G0 : CodeElement.Ascii;
        // Without code extensions the one term's sets hold the text; its G1 half (or UTF-8, GB18030) is tried first.
        CharacterSetTerm[] terms = UsesCodeExtensions ? _terms : [];
        // Japanese sets return to JIS X 0201 romaji (ESC ( J) when the initial term is ISO 2022 IR 13 (PS3.5 Annex H).
        var toInitial = initial.G0 == CodeElement.JisX0201 || initial.G1 == CodeElement.JisX0201
            ? CharacterSetTerm.EscapeRomajiG0 : CharacterSetTerm.EscapeAsciiG0;
        var output = new List<byte>(text.Length * 2);
        var g0 = initialG0;
        var g1 = initial.G1;
        for (var i = 0; i < text.Length; i++)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var character = text.Substring(i, length);
            i += length - 1;
            if (length == 1 && IsDelimiter(character[0]) && UsesCodeExtensions)
            {
                if (g0 != initialG0) output.AddRange(toInitial);
                g0 = initialG0;
                g1 = initial.G1;
                output.Add((byte)character[0]);
                continue;
            }
            if (g0.EncodeCharacter(character) is { } inG0) { output.AddRange(inG0); continue; }
            if (g1 is not null && g1.EncodeCharacter(character) is { } inG1) { output.AddRange(inG1); continue; }
            if (UsesCodeExtensions && CodeElement.Ascii.EncodeCharacter(character) is { } ascii)
            {
                output.AddRange(initialG0 == CodeElement.Ascii ? toInitial : CharacterSetTerm.EscapeAsciiG0);
                g0 = CodeElement.Ascii;
                output.AddRange(ascii);
                continue;
            }
            var found = false;
            foreach (var term in terms)
            {
                if (term.Escape.Length == 0) continue;
                var element = term.G1 ?? term.G0;
                if (element.EncodeCharacter(character) is not { } encoded) continue;
                output.AddRange(term.Escape);
                if (term.G1 is null) g0 = element;
                else g1 = element;
                output.AddRange(encoded);
                found = true;
                break;
            }
            if (!found)
            {
                bytes = [];
                return false;
            }
        }
        if (g0 != initialG0) output.AddRange(toInitial);
        bytes = [.. output];
        return true;
    }

    private static bool IsAscii(string text)
    {
        foreach (var c in text)
            if (c > 0x7F) return false;
        return true;
    }

    private static bool IsDelimiter(char c) => c is '\\' or '\r' or '\n' or '\t' or '\f' or '^' or '=';
}
