using System.Text;
using DataForge.Dicom;
using DataForge.Dicom.IO;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The last check before an output leaves the private zone: none of the identifiers that
/// de-identification removed may appear anywhere in the output's bytes outside Pixel Data (case
/// ignored; in the instance's character set and in UTF-8; a deflated dataset inflated). Pixel Data is excluded because binary
/// samples match short texts by chance; burned-in text is the clean-pixel-data option's concern. Whole
/// values (names in every written form, IDs, dates, UIDs) are looked for everywhere else; single name
/// components are not looked for in code sequences (PS3.3 8.8), whose words come from coding schemes: a
/// patient named "Test^S R" must not fail on the coding scheme designator TEST, while "Test^S R" itself
/// planted in a Code Meaning is caught.
/// </summary>
public static class LeakGate
{
    /// <summary>Attributes of code sequences: controlled vocabulary, not identifiers.</summary>
    public static IReadOnlySet<DicomTag> VocabularyTags { get; } = new HashSet<DicomTag>
    {
        DicomTags.CodeValue, DicomTags.CodeMeaning, DicomTags.CodingSchemeDesignator, DicomTags.CodingSchemeVersion,
        DicomTags.ContextIdentifier, DicomTags.MappingResource, DicomTags.LongCodeValue, DicomTags.URNCodeValue,
    };

    /// <summary>
    /// Null when no removed identifier (value or name part, case ignored) appears in an output's path, which is built
    /// from pseudonyms and new UIDs only and checked all the same, like the bytes; otherwise a reason without the value.
    /// </summary>
    public static string? CheckPath(string path, LeakCheck identifiers) =>
        InPath(path, identifiers.Values) || InPath(path, identifiers.NameParts)
            ? "leak gate: a removed identifier appears in the output's path"
            : null;

    private static bool InPath(string path, IReadOnlySet<string> identifiers)
    {
        foreach (var v in identifiers)
            if (!string.IsNullOrWhiteSpace(v) && path.Contains(v, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Null when the output is clean; otherwise what leaked, described without the value.</summary>
    public static string? Check(DicomFile output, LeakCheck identifiers)
    {
        if (identifiers.Values.Count == 0 && identifiers.NameParts.Count == 0) return null;
        // PS3.5 A.5: a deflated dataset's bytes as written show no text at all; it is looked at inflated.
        if (output.TransferSyntax.IsDeflated) output = output.WithTransferSyntax(DicomTransferSyntax.ExplicitVRLittleEndian);
        // The header is encoded once, without copying the dataset, and case-folded in place.
        var whole = new MemoryStream();
        DicomWriter.WriteFile(whole, output, IsPixelData);
        var header = whole.GetBuffer().AsSpan(0, (int)whole.Length);
        Upper(header);
        var leaked = Find(header, identifiers.Values);
        // A name part inside any attribute's value is in these bytes too: only then are the bytes without code
        // sequences' vocabulary made and searched, which is what decides.
        if (leaked is null && Find(header, identifiers.NameParts) is not null)
        {
            var withoutVocabulary = output.Dataset.Clone();
            withoutVocabulary.Remove(DicomTags.PixelData);
            withoutVocabulary.Remove(DicomTags.FloatPixelData);
            withoutVocabulary.Remove(DicomTags.DoubleFloatPixelData);
            RemoveVocabulary(withoutVocabulary);
            var bytes = new DicomFile(output.Meta, withoutVocabulary, output.Preamble).ToBytes();
            Upper(bytes);
            leaked = Find(bytes, identifiers.NameParts);
        }
        if (leaked is null && output.Dataset.GetElement(DicomTags.EncapsulatedDocument) is { } document
            && FindInDocument(document, identifiers) is { } inDocument)
            return $"leak gate: a removed identifier ({inDocument.Length} characters) appears in the text of {document.Tag} EncapsulatedDocument";
        if (leaked is null) return null;
        var where = Locate(output.Meta, leaked, "") ?? Locate(output.Dataset, leaked, "") ?? "the file's bytes";
        return $"leak gate: a removed identifier ({leaked.Length} characters) appears in {where}";
    }

    /// <summary>
    /// A kept encapsulated document (<see cref="EncapsulatedDocuments"/>): its bytes are in the header already; the text
    /// that can be extracted from it (inflated PDF streams) is searched too, and both in UTF-16BE, PDF's text strings.
    /// </summary>
    private static string? FindInDocument(DicomElement document, LeakCheck identifiers)
    {
        var texts = EncapsulatedDocuments.ExtractableText(document.Data).Prepend(document.Data.ToArray());
        foreach (var text in texts)
        {
            Upper(text);
            if ((Find(text, identifiers.Values) ?? Find(text, identifiers.NameParts)) is { } found) return found;
            foreach (var identifier in identifiers.Values.Concat(identifiers.NameParts))
            {
                var utf16 = Encoding.BigEndianUnicode.GetBytes(identifier);
                Upper(utf16);
                if (text.AsSpan().IndexOf(utf16) >= 0) return identifier;
            }
        }
        return null;
    }

    private static bool IsPixelData(DicomTag tag) =>
        tag == DicomTags.PixelData || tag == DicomTags.FloatPixelData || tag == DicomTags.DoubleFloatPixelData;

    /// <summary>The first identifier, in the set's order, whose Latin-1 or UTF-8 form (ASCII letters upper-cased) is in the bytes.</summary>
    private static string? Find(ReadOnlySpan<byte> upper, IReadOnlySet<string> identifiers)
    {
        Span<byte> small = stackalloc byte[256];
        foreach (var identifier in identifiers)
        {
            // Latin-1 first, then UTF-8; for ASCII text they are the same bytes, looked for once.
            var latin1 = Encoding.Latin1.GetByteCount(identifier) <= small.Length ? small[..Encoding.Latin1.GetBytes(identifier, small)] : Encoding.Latin1.GetBytes(identifier);
            Upper(latin1);
            if (upper.IndexOf(latin1) >= 0) return identifier;
            if (Ascii.IsValid(identifier)) continue;
            var utf8 = Encoding.UTF8.GetBytes(identifier);
            Upper(utf8);
            if (upper.IndexOf(utf8) >= 0) return identifier;
        }
        return null;
    }

    private static IEnumerable<byte[]> Needles(string identifier)
    {
        var latin1 = Encoding.Latin1.GetBytes(identifier);
        var utf8 = Encoding.UTF8.GetBytes(identifier);
        Upper(latin1);
        Upper(utf8);
        return [latin1, utf8];
    }

    /// <summary>The attribute (path of tags and keywords) whose value holds the identifier; never the value.</summary>
    private static string? Locate(DicomDataset ds, string identifier, string prefix)
    {
        foreach (var attribute in ds)
        {
            var name = $"{prefix}{attribute.Tag} {DataForge.Dicom.Dictionary.DicomDictionary.Standard.KeywordOf(attribute.Tag)}".TrimEnd();
            if (attribute is DicomSequence sequence)
            {
                for (var i = 0; i < sequence.Items.Count; i++)
                    if (Locate(sequence.Items[i], identifier, $"{name}[{i + 1}] / ") is { } inner) return inner;
            }
            else if (attribute is DicomElement element)
            {
                var value = element.Data.ToArray();
                Upper(value);
                if (Needles(identifier).Any(n => value.AsSpan().IndexOf(n) >= 0)) return name;
            }
        }
        return null;
    }

    private static void RemoveVocabulary(DicomDataset ds)
    {
        ds.RemoveAll(a => VocabularyTags.Contains(a.Tag));
        foreach (var attribute in ds)
            if (attribute is DicomSequence sequence)
                foreach (var item in sequence.Items) RemoveVocabulary(item);
    }

    /// <summary>Upper-cases ASCII letters in place (other bytes stay: they belong to multi-byte or other encodings).</summary>
    private static void Upper(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] is >= (byte)'a' and <= (byte)'z') bytes[i] -= 32;
    }
}
