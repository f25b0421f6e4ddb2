namespace DataForge.Dicom.Imaging;

/// <summary>One item of a Segmentation's Segment Sequence (PS3.3 C.8.20.2): number, label and what it segments.</summary>
/// <param name="Number">Segment Number (0062,0004), unique in the instance, from 1.</param>
/// <param name="Label">Segment Label (0062,0005): free text chosen by the author.</param>
/// <param name="Category">Segmented Property Category Code Sequence (0062,0003), when present.</param>
/// <param name="Type">Segmented Property Type Code Sequence (0062,000F), when present.</param>
public sealed record DicomSegment(int Number, string Label, DicomCode? Category, DicomCode? Type);

/// <summary>A coded concept (PS3.3 Table 8.8-1): coding scheme, code value and meaning.</summary>
public sealed record DicomCode(string Scheme, string Value, string Meaning)
{
    /// <summary>Reads the first item of a code sequence; null when absent or without a value.</summary>
    public static DicomCode? From(DicomDataset dataset, DicomTag sequence)
    {
        if (dataset.GetSequence(sequence)?.Items is not [var item, ..]) return null;
        var value = item.GetString(DicomTags.CodeValue) ?? item.GetString(DicomTags.LongCodeValue) ?? item.GetString(DicomTags.URNCodeValue);
        return value is null ? null : new DicomCode(item.GetString(DicomTags.CodingSchemeDesignator) ?? "", value, item.GetString(DicomTags.CodeMeaning) ?? "");
    }

    /// <summary><c>SCHEME:VALUE</c>, e.g. <c>SCT:10200004</c>.</summary>
    public override string ToString() => $"{Scheme}:{Value}";
}
