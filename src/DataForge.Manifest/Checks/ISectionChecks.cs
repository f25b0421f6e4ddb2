using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>
/// The semantic checks of one manifest section, made by the module that owns the section (it alone
/// knows what its settings mean: DICOM keywords, option combinations). The loader runs them after the
/// schema, when the section is present; each problem carries the section's line and column.
/// </summary>
public interface ISectionChecks
{
    /// <summary>The top-level key the module owns (e.g. <c>deidentify</c>).</summary>
    string Section { get; }

    /// <summary>Problems of the section; <paramref name="manifest"/> has passed the schema.</summary>
    IEnumerable<ManifestDiagnostic> Check(DataForgeManifest manifest);
}
