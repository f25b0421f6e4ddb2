namespace DataForge.Stages.Curate;

/// <summary>The checks of the <c>curate:</c> section, by the names findings and the report use.</summary>
public static class CurationCheck
{
    /// <summary>Identical files, one SOP Instance UID with different content, the same pixels under another UID, the same study twice.</summary>
    public const string Duplicates = "duplicates";

    /// <summary>Missing slices, uneven spacing, mixed geometry, series to be split.</summary>
    public const string SeriesIntegrity = "series_integrity";

    /// <summary>Localisers (scouts); excluded unless <c>series_integrity.exclude_localizers</c> is false.</summary>
    public const string Localizer = "localizer";

    /// <summary>Required attributes of the IOD, VR/VM validity, Part 10 meta header.</summary>
    public const string Conformance = "conformance";

    /// <summary>The manifest's protocol expectations.</summary>
    public const string Protocol = "protocol";

    /// <summary>Constant, saturated, too small or noisy images.</summary>
    public const string ImageQuality = "image_quality";

    /// <summary>Patients who withdrew consent; always excluded.</summary>
    public const string Consent = "consent";

    /// <summary>Studies older than the retention period.</summary>
    public const string Retention = "retention";

    /// <summary>Every check, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Duplicates, SeriesIntegrity, Localizer, Conformance, Protocol, ImageQuality, Consent, Retention];
}
