namespace DataForge.Stages.ImageSources;

/// <summary>
/// What the manifest's <c>fields:</c> (or the path) say about one image, before de-identification (private zone):
/// who, which study and series, and the acquisition facts DICOM has attributes for.
/// </summary>
public sealed record ImageFacts
{
    public required string Subject { get; init; }
    public string? Session { get; init; }
    public string? Study { get; init; }
    public string? Series { get; init; }
    public required string Modality { get; init; }

    /// <summary>ImageLaterality code: R, L, B or U.</summary>
    public string? Laterality { get; init; }

    /// <summary>ViewPosition code (AP, PA, LL, CC, MLO, ...).</summary>
    public string? View { get; init; }

    /// <summary>The image's own identifier in its sidecar (fields.id), by which labels may name it; null: by its path.</summary>
    public string? Id { get; init; }

    /// <summary>Row and column spacing in mm.</summary>
    public double[]? PixelSpacing { get; init; }
}
