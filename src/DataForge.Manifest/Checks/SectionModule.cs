using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>The usual shape of a section's checks: problems reported at the manifest paths they concern.</summary>
public abstract class SectionModule : ISectionChecks
{
    public abstract string Section { get; }

    public IEnumerable<ManifestDiagnostic> Check(DataForgeManifest manifest)
    {
        var problems = new SectionProblems(manifest);
        Check(manifest, problems);
        return problems;
    }

    /// <summary>Reports the section's problems; <paramref name="manifest"/> has passed the schema.</summary>
    protected abstract void Check(DataForgeManifest manifest, SectionProblems problems);
}
