namespace DataForge.Stages.Deidentify;

/// <summary>
/// The options of PS3.15 Table E.1-1 as the manifest names them, with the table column each one
/// reads (null for options that act on pixels rather than attributes) and its code in PS3.16 CID 7050.
/// Which options this version honours is <see cref="DataForge.Manifest.Checks.BuildSupport.UnsupportedDeidentifyOptions"/>:
/// an option that is not honoured is refused, never ignored.
/// </summary>
public sealed record DeidOption(string Name, string? Column, string Code, string Meaning)
{
    /// <summary>Every option, in the order their actions take precedence when two apply to one attribute (retain before clean).</summary>
    public static IReadOnlyList<DeidOption> All { get; } =
    [
        // Codes and meanings: PS3.16 CID 7050, De-identification Method.
        new("retain-safe-private", "rtnSafePrivOpt", "113111", "Retain Safe Private Option"),
        new("retain-uids", "rtnUIDsOpt", "113110", "Retain UIDs Option"),
        new("retain-device-identity", "rtnDevIdOpt", "113109", "Retain Device Identity Option"),
        new("retain-institution-identity", "rtnInstIdOpt", "113112", "Retain Institution Identity Option"),
        new("retain-patient-characteristics", "rtnPatCharsOpt", "113108", "Retain Patient Characteristics Option"),
        new("retain-longitudinal-full-dates", "rtnLongFullDatesOpt", "113106", "Retain Longitudinal Temporal Information Full Dates Option"),
        new("retain-longitudinal-modified-dates", "rtnLongModifDatesOpt", "113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
        new("clean-descriptors", "cleanDescOpt", "113105", "Clean Descriptors Option"),
        new("clean-structured-content", "cleanStructContOpt", "113104", "Clean Structured Content Option"),
        new("clean-graphics", "cleanGraphOpt", "113103", "Clean Graphics Option"),
        new("clean-pixel-data", null, "113101", "Clean Pixel Data Option"),
        new("clean-recognizable-visual-features", null, "113102", "Clean Recognizable Visual Features Option"),
    ];

    /// <summary>The option with this manifest name, or null.</summary>
    public static DeidOption? Find(string name) => All.FirstOrDefault(o => o.Name == name);
}
