using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages;

/// <summary>
/// The owner of the manifest's <c>sources:</c> kinds: which kinds this version reads (today every kind the schema
/// knows). A kind the schema gains before its reader is refused as "not supported yet" at its line and column, never
/// ignored.
/// </summary>
public sealed class SourcesModule : SectionModule
{
    /// <summary>Source kinds that can be read.</summary>
    public static IReadOnlySet<string> Kinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "dicom", "dicomweb", "labels", "nifti", "analyze", "image" };

    public override string Section => "sources";

    protected override void Check(DataForgeManifest m, SectionProblems problems)
    {
        for (var i = 0; i < m.Sources.Count; i++)
            if (!Kinds.Contains(m.Sources[i].Kind))
                problems.Report($"sources[{i}].kind",
                    $"sources[{i}].kind: {m.Sources[i].Kind} sources are not supported yet (supported: {string.Join(", ", Kinds.Order(StringComparer.Ordinal))})");
    }
}
