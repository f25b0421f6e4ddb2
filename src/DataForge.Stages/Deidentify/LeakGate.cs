using System.Text;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The last check before an output leaves the private zone: none of the identifiers that
/// de-identification removed may appear anywhere in the output's bytes outside Pixel Data (case
/// ignored; in the instance's character set and in UTF-8). Pixel Data is excluded because binary
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
        identifiers.Values.Concat(identifiers.NameParts).Any(v => v.Trim().Length > 0 && path.Contains(v, StringComparison.OrdinalIgnoreCase))
            ? "leak gate: a removed identifier appears in the output's path"
            : null;

    /// <summary>Null when the output is clean; otherwise what leaked, described without the value.</summary>
    public static string? Check(DicomFile output, LeakCheck identifiers)
    {
        var header = output.Dataset.Clone();
        header.Remove(DicomTags.PixelData);
        header.Remove(DicomTags.FloatPixelData);
        header.Remove(DicomTags.DoubleFloatPixelData);
        var whole = Upper(new DicomFile(output.Meta, header, output.Preamble).ToBytes());
        RemoveVocabulary(header);
        var withoutVocabulary = Upper(new DicomFile(output.Meta, header, output.Preamble).ToBytes());
        var leaked = Find(whole, identifiers.Values) ?? Find(withoutVocabulary, identifiers.NameParts);
        if (leaked is null) return null;
        var where = Locate(output.Meta, leaked, "") ?? Locate(output.Dataset, leaked, "") ?? "the file's bytes";
        return $"leak gate: a removed identifier ({leaked.Length} characters) appears in {where}";
    }

    private static string? Find(byte[] upper, IEnumerable<string> identifiers)
    {
        foreach (var identifier in identifiers)
            foreach (var needle in Needles(identifier))
                if (upper.AsSpan().IndexOf(needle) >= 0) return identifier;
        return null;
    }

    private static IEnumerable<byte[]> Needles(string identifier) =>
        [Upper(Encoding.Latin1.GetBytes(identifier)), Upper(Encoding.UTF8.GetBytes(identifier))];

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
                var value = Upper(element.Data.ToArray());
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

    private static byte[] Upper(byte[] bytes)
    {
        var copy = bytes.ToArray();
        for (var i = 0; i < copy.Length; i++)
            if (copy[i] is >= (byte)'a' and <= (byte)'z') copy[i] -= 32;
        return copy;
    }
}
