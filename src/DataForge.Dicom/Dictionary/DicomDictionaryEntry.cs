namespace DataForge.Dicom.Dictionary;

/// <summary>One attribute of the PS3.6 data dictionary.</summary>
/// <param name="Tag">The tag; for repeating groups the first group (e.g. (6000,3000) for (60xx,3000)).</param>
/// <param name="Mask">Bits of the tag value that must match; repeating digits are zero in the mask.</param>
/// <param name="ValueRepresentations">Allowed VRs; two or more for "US or SS" style rows, none for delimiters.</param>
/// <param name="ValueMultiplicity">VM as written in PS3.6, e.g. "1-n".</param>
/// <param name="Keyword">PS3.6 keyword, e.g. "PatientName"; empty for a few retired rows.</param>
/// <param name="Name">PS3.6 name, e.g. "Patient's Name".</param>
/// <param name="IsRetired">The attribute is retired.</param>
public sealed record DicomDictionaryEntry(DicomTag Tag, uint Mask, IReadOnlyList<DicomVR> ValueRepresentations, string ValueMultiplicity,
    string Keyword, string Name, bool IsRetired)
{
    /// <summary>The first allowed VR, or UN when the dictionary gives none.</summary>
    public DicomVR VR => ValueRepresentations.Count > 0 ? ValueRepresentations[0] : DicomVR.UN;

    /// <summary>More than one VR is allowed ("US or SS", "OB or OW"): the actual one depends on other attributes.</summary>
    public bool IsAmbiguous => ValueRepresentations.Count > 1;

    /// <summary>A repeating-group or otherwise masked row (PS3.5 7.6).</summary>
    public bool IsRepeating => Mask != 0xFFFFFFFF;

    /// <summary>True when this row describes the tag.</summary>
    public bool Matches(DicomTag tag) => (tag.Value & Mask) == Tag.Value;
}
