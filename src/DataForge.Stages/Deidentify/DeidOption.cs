namespace DataForge.Stages.Deidentify;

/// <summary>
/// The options of PS3.15 Table E.1-1 as the manifest names them, with the table column each one
/// reads (null for options that act on pixels rather than attributes) and whether this version
/// honours it. An option that is not honoured is refused, never ignored.
/// </summary>
public sealed record DeidOption(string Name, string? Column, bool Supported, string Code, string Meaning)
{
    /// <summary>Every option, in the order their actions take precedence when two apply to one attribute (retain before clean).</summary>
    public static IReadOnlyList<DeidOption> All { get; } =
    [
        // Codes and meanings: PS3.16 CID 7050, De-identification Method.
        new("retain-safe-private", "rtnSafePrivOpt", false, "113111", "Retain Safe Private Option"),
        new("retain-uids", "rtnUIDsOpt", true, "113110", "Retain UIDs Option"),
        new("retain-device-identity", "rtnDevIdOpt", true, "113109", "Retain Device Identity Option"),
        new("retain-institution-identity", "rtnInstIdOpt", true, "113112", "Retain Institution Identity Option"),
        new("retain-patient-characteristics", "rtnPatCharsOpt", true, "113108", "Retain Patient Characteristics Option"),
        new("retain-longitudinal-full-dates", "rtnLongFullDatesOpt", true, "113106", "Retain Longitudinal Temporal Information Full Dates Option"),
        new("retain-longitudinal-modified-dates", "rtnLongModifDatesOpt", true, "113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
        new("clean-descriptors", "cleanDescOpt", true, "113105", "Clean Descriptors Option"),
        new("clean-structured-content", "cleanStructContOpt", false, "113104", "Clean Structured Content Option"),
        new("clean-graphics", "cleanGraphOpt", false, "113103", "Clean Graphics Option"),
        new("clean-pixel-data", null, false, "113101", "Clean Pixel Data Option"),
        new("clean-recognizable-visual-features", null, false, "113102", "Clean Recognizable Visual Features Option"),
    ];

    /// <summary>The option with this manifest name, or null.</summary>
    public static DeidOption? Find(string name) => All.FirstOrDefault(o => o.Name == name);
}
