using System.Text;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The last check before an output leaves the private zone: none of the identifiers that
/// de-identification removed may appear anywhere in the output's bytes outside Pixel Data (case
/// ignored; in the instance's character set and in UTF-8). Pixel Data is excluded because binary
/// samples match short texts by chance; burned-in text is the clean-pixel-data option's concern. So are
/// the values of code sequences (PS3.3 8.8), which come from coding schemes: a patient named "Test" must
/// not fail on the coding scheme designator TEST.
/// </summary>
public static class LeakGate
{
    /// <summary>Attributes of code sequences: controlled vocabulary, not identifiers.</summary>
    public static IReadOnlySet<DicomTag> VocabularyTags { get; } = new HashSet<DicomTag>
    {
        DicomTags.CodeValue, DicomTags.CodeMeaning, DicomTags.CodingSchemeDesignator, DicomTags.CodingSchemeVersion,
        DicomTags.ContextIdentifier, DicomTags.MappingResource, DicomTags.LongCodeValue, DicomTags.URNCodeValue,
    };

    /// <summary>Null when the output is clean; otherwise what leaked, described without the value.</summary>
    public static string? Check(DicomFile output, IEnumerable<string> identifiers)
    {
        var header = output.Dataset.Clone();
        header.Remove(DicomTags.PixelData);
        header.Remove(DicomTags.FloatPixelData);
        header.Remove(DicomTags.DoubleFloatPixelData);
        RemoveVocabulary(header);
        var bytes = new DicomFile(output.Meta, header, output.Preamble).ToBytes();
        var upper = Upper(bytes);
        var charset = Encoding.Latin1;
        foreach (var identifier in identifiers)
        {
            foreach (var encoding in new[] { charset, Encoding.UTF8 })
            {
                var needle = Upper(encoding.GetBytes(identifier));
                var at = upper.AsSpan().IndexOf(needle);
                if (at >= 0)
                    return $"leak gate: a removed identifier ({identifier.Length} characters) appears in the output at byte {at}";
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
