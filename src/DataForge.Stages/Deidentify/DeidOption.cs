namespace DataForge.Stages.Deidentify;

/// <summary>
/// The options of PS3.15 Table E.1-1 as the manifest names them, with the table column each one
/// reads (null for options that act on pixels rather than attributes) and its code in PS3.16 CID 7050.
/// Every option is honoured; code asks for one by its descriptor (<c>policy.Has(DeidOption.CleanGraphics)</c>),
/// never by its name.
/// </summary>
public sealed record DeidOption(string Name, string? Column, string Code, string Meaning)
{
    // Codes and meanings: PS3.16 CID 7050, De-identification Method.
    public static readonly DeidOption RetainSafePrivate = new("retain-safe-private", "rtnSafePrivOpt", "113111", "Retain Safe Private Option");
    public static readonly DeidOption RetainUids = new("retain-uids", "rtnUIDsOpt", "113110", "Retain UIDs Option");
    public static readonly DeidOption RetainDeviceIdentity = new("retain-device-identity", "rtnDevIdOpt", "113109", "Retain Device Identity Option");
    public static readonly DeidOption RetainInstitutionIdentity = new("retain-institution-identity", "rtnInstIdOpt", "113112", "Retain Institution Identity Option");
    public static readonly DeidOption RetainPatientCharacteristics = new("retain-patient-characteristics", "rtnPatCharsOpt", "113108", "Retain Patient Characteristics Option");
    public static readonly DeidOption RetainLongitudinalFullDates = new("retain-longitudinal-full-dates", "rtnLongFullDatesOpt", "113106", "Retain Longitudinal Temporal Information Full Dates Option");
    public static readonly DeidOption RetainLongitudinalModifiedDates = new("retain-longitudinal-modified-dates", "rtnLongModifDatesOpt", "113107", "Retain Longitudinal Temporal Information Modified Dates Option");
    public static readonly DeidOption CleanDescriptors = new("clean-descriptors", "cleanDescOpt", "113105", "Clean Descriptors Option");
    public static readonly DeidOption CleanStructuredContent = new("clean-structured-content", "cleanStructContOpt", "113104", "Clean Structured Content Option");
    public static readonly DeidOption CleanGraphics = new("clean-graphics", "cleanGraphOpt", "113103", "Clean Graphics Option");
    public static readonly DeidOption CleanPixelData = new("clean-pixel-data", null, "113101", "Clean Pixel Data Option");
    public static readonly DeidOption CleanRecognizableVisualFeatures = new("clean-recognizable-visual-features", null, "113102", "Clean Recognizable Visual Features Option");

    /// <summary>Every option, in the order their actions take precedence when two apply to one attribute (retain before clean).</summary>
    public static IReadOnlyList<DeidOption> All { get; } =
    [
        RetainSafePrivate, RetainUids, RetainDeviceIdentity, RetainInstitutionIdentity, RetainPatientCharacteristics,
        RetainLongitudinalFullDates, RetainLongitudinalModifiedDates,
        CleanDescriptors, CleanStructuredContent, CleanGraphics, CleanPixelData, CleanRecognizableVisualFeatures,
    ];

    /// <summary>The option with this manifest name, or null.</summary>
    public static DeidOption? Find(string name) => All.FirstOrDefault(o => o.Name == name);
}
