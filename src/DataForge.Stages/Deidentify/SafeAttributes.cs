using DataForge.Dicom;
using DataForge.Dicom.Dictionary;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// What happens to a standard attribute that Table E.1-1 does not list. The profile lists what must be
/// de-identified; DataForge goes further and keeps an unlisted attribute only when it cannot carry
/// identifying text: numbers, code strings, bulk data, sequences (whose items are de-identified in turn),
/// UIDs (which are replaced), and a short list of technical text attributes. Every other value is
/// replaced by a dummy (D): the value goes, and a Type 1 or Type 2 attribute stays present and non-empty,
/// so the instance stays conformant (an SR's Text Value, Type 1C, may not be empty).
/// </summary>
public static class SafeAttributes
{
    private static readonly HashSet<string> SafeVRs = new(StringComparer.Ordinal)
    {
        "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV", "AT", "CS", "DS", "IS", "OB", "OW", "OF", "OD", "OL", "OV",
    };

    // Technical text attributes that name a protocol element, never a person or place.
    private static readonly string[] SafeTextKeywords =
    [
        "SequenceName", "ReceiveCoilName", "TransmitCoilName", "PulseSequenceName", "ConvolutionKernel", "FilterType",
        "RescaleType", "WindowCenterWidthExplanation", "LossyImageCompressionMethod", "AcquisitionContrast",
        "CodingSchemeDesignator", "CodeValue", "CodeMeaning", "CodingSchemeVersion", "ContextIdentifier", "MappingResource",
        "DeidentificationMethod", "Manufacturer",
    ];

    private static readonly HashSet<uint> SafeTextTags = SafeTextKeywords
        .Select(k => DicomDictionary.Standard.Find(k)?.Tag.Value ?? throw new InvalidOperationException($"keyword {k} is not in the dictionary"))
        .ToHashSet();

    /// <summary>The action for an attribute that the table does not list.</summary>
    public static ProfileAction ActionFor(DicomAttribute attribute)
    {
        if (attribute.VR == DicomVR.SQ) return ProfileAction.Keep;
        if (attribute.VR == DicomVR.UI) return ProfileAction.Uid;
        if (attribute.Tag.IsGroupLength) return ProfileAction.Remove;
        if (SafeVRs.Contains(attribute.VR.Code)) return ProfileAction.Keep;
        return SafeTextTags.Contains(attribute.Tag.Value) ? ProfileAction.Keep : ProfileAction.Dummy;
    }
}
