using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>Collects a section's problems at the locations of the manifest paths they concern.</summary>
public sealed class SectionProblems(DataForgeManifest manifest) : List<ManifestDiagnostic>
{
    /// <summary>A problem at the value of <paramref name="path"/> (e.g. <c>deidentify.options[2]</c>), or at its key.</summary>
    public void Report(string path, string message, bool atKey = false) =>
        Add(new ManifestDiagnostic(manifest.FilePath, atKey ? manifest.Document.KeyAt(path) : manifest.Document.ValueAt(path), message));
}
