using DataForge.Manifest.Model;

namespace DataForge.Manifest;

/// <summary>The outcome of loading a manifest: the manifest when it is usable, and every problem found.</summary>
public sealed record ManifestLoadResult(DataForgeManifest? Manifest, IReadOnlyList<ManifestDiagnostic> Problems)
{
    /// <summary>True when the manifest can be used (no problem at all).</summary>
    public bool Succeeded => Manifest is not null && Problems.Count == 0;
}
