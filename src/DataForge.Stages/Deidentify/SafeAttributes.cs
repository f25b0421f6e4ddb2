using DataForge.Dicom;
using DataForge.Dicom.Dictionary;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// What happens to a standard attribute that Table E.1-1 does not list. The profile lists what must be
/// de-identified; DataForge goes further and keeps an unlisted attribute only when it cannot carry
/// identifying text: numbers, code strings, bulk data, sequences (whose items are de-identified in turn),
/// UIDs (which are replaced), the short-text attributes of the equipment, acquisition, image pixel and modality
/// technique modules that name a technique (generated and reviewed: SafeAttributes.Generated.cs, such as Imaged
/// Nucleus or Contrast/Bolus Route), a few typed-in technical text attributes, and with retain-device-identity the
/// device's model and software versions. Every other value is replaced by a dummy (D): the value goes, and a Type 1
/// or Type 2 attribute stays present and non-empty, so the instance stays conformant (an SR's Text Value, Type 1C,
/// may not be empty). Descriptions, comments, names, IDs and labels are never on the lists.
/// </summary>
public static partial class SafeAttributes
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
        .Concat(GeneratedText().Select(g => g.Tag))
        .ToHashSet();

    /// <summary>
    /// Attributes that identify a device rather than a person and that Table E.1-1 does not list: kept only under
    /// retain-device-identity, as Station Name and Device Serial Number are (and as sidecars keep them).
    /// </summary>
    public static IReadOnlyList<DicomTag> DeviceIdentity { get; } = [DicomTags.ManufacturerModelName, DicomTags.SoftwareVersions];

    /// <summary>Keywords of the short-text attributes kept although they are text (typed-in and generated), for the documentation and tests.</summary>
    public static IReadOnlyList<string> SafeTextAttributes { get; } = [.. SafeTextKeywords, .. GeneratedText().Select(g => g.Keyword)];

    private static readonly HashSet<uint> AllowListed = GeneratedText().Select(g => g.Tag).Concat(DeviceIdentity.Select(t => t.Value)).ToHashSet();

    /// <summary>
    /// True for the technique text of the generated allow-list and the device identity: kept because of what the
    /// attribute means, so the leak gate still looks for removed identifiers in its values.
    /// </summary>
    public static bool IsAllowListed(DicomTag tag) => AllowListed.Contains(tag.Value);

    /// <summary>The action for an attribute that the table does not list.</summary>
    public static ProfileAction ActionFor(DicomAttribute attribute, bool retainDeviceIdentity)
    {
        if (retainDeviceIdentity && DeviceIdentity.Contains(attribute.Tag)) return ProfileAction.Keep;
        return ActionFor(attribute);
    }

    /// <summary>The action for an attribute that the table does not list, without retain-device-identity.</summary>
    public static ProfileAction ActionFor(DicomAttribute attribute)
    {
        if (attribute.VR == DicomVR.SQ) return ProfileAction.Keep;
        if (attribute.VR == DicomVR.UI) return ProfileAction.Uid;
        if (attribute.Tag.IsGroupLength) return ProfileAction.Remove;
        if (SafeVRs.Contains(attribute.VR.Code)) return ProfileAction.Keep;
        return SafeTextTags.Contains(attribute.Tag.Value) ? ProfileAction.Keep : ProfileAction.Dummy;
    }
}
