namespace DataForge.Manifest.Model;

/// <summary>One destination under <c>publish:</c>: a DICOMweb server that <c>dataforge push</c> stores a release's instances in (STOW-RS).</summary>
public sealed record PublishTarget
{
    /// <summary>The kind of destination; <c>dicomweb</c>.</summary>
    public string Kind { get; init; } = "dicomweb";

    /// <summary>Base URL of the DICOMweb service (the part before <c>/studies</c>).</summary>
    public required string Url { get; init; }

    /// <summary>Where the credentials come from.</summary>
    public DicomWebAuth? Auth { get; init; }

    /// <summary>A PEM file of certificate authorities trusted besides the system's.</summary>
    public string? CaFile { get; init; }

    /// <summary>Instances sent per STOW-RS request.</summary>
    public int Batch { get; init; } = 50;
}
