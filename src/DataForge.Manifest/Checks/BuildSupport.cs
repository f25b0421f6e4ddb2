using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>
/// What this version of DataForge can build. A manifest asking for more is refused by
/// <c>validate</c> and <c>build</c> with a plain "not supported yet", never silently ignored.
/// Each row goes away when the stage that honours it lands.
/// </summary>
public static class BuildSupport
{
    /// <summary>Top-level sections that no stage honours yet, with what the user can do.</summary>
    public static IReadOnlyDictionary<string, string> UnsupportedSections { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["curate"] = "curation checks are not built yet",
        ["harmonise"] = "harmonisation steps are not built yet",
        ["labels"] = "labels are not built yet",
        ["splits"] = "splits are not built yet",
        ["release"] = "releases are not built yet",
    };

    /// <summary>De-identification options (PS3.15 Table E.1-1) that are not honoured yet.</summary>
    public static IReadOnlySet<string> UnsupportedDeidentifyOptions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "clean-structured-content", "clean-graphics", "clean-recognizable-visual-features",
    };

    /// <summary>Output layouts that can be written.</summary>
    public static IReadOnlySet<string> SupportedLayouts { get; } = new HashSet<string>(StringComparer.Ordinal) { "dicom", "nifti" };

    /// <summary>Source kinds that can be read.</summary>
    public static IReadOnlySet<string> SupportedSourceKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "dicom" };

    /// <summary>One diagnostic per part of the manifest that cannot be honoured yet.</summary>
    public static IReadOnlyList<ManifestDiagnostic> Check(DataForgeManifest m)
    {
        var problems = new List<ManifestDiagnostic>();
        foreach (var (section, why) in UnsupportedSections)
            if (m.Document.Has(section))
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.KeyAt(section),
                    $"{section}: not supported yet ({why}); remove the section to build without it"));
        for (var i = 0; i < m.Sources.Count; i++)
            if (!SupportedSourceKinds.Contains(m.Sources[i].Kind))
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt($"sources[{i}].kind"),
                    $"sources[{i}].kind: {m.Sources[i].Kind} sources are not supported yet (supported: {string.Join(", ", SupportedSourceKinds.Order(StringComparer.Ordinal))})"));
        if (!SupportedLayouts.Contains(m.Output.Layout))
            problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt("output.layout"),
                $"output.layout: {m.Output.Layout} is not supported yet (supported: {string.Join(", ", SupportedLayouts.Order(StringComparer.Ordinal))})"));
        if (m.Deidentify is { } d)
        {
            if (d["options"] is System.Text.Json.Nodes.JsonArray options)
                for (var i = 0; i < options.Count; i++)
                    if (options[i]?.GetValue<string>() is { } name && UnsupportedDeidentifyOptions.Contains(name))
                        problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt($"deidentify.options[{i}]"),
                            $"deidentify.options[{i}]: {name} is not supported yet; remove it to build without it"));
        }
        return problems;
    }
}
