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
    };

    /// <summary>Output layouts that can be written.</summary>
    public static IReadOnlySet<string> SupportedLayouts { get; } = new HashSet<string>(StringComparer.Ordinal) { "dicom", "nifti", "nnunet", "monai", "png", "coco" };

    /// <summary>Source kinds that can be read.</summary>
    public static IReadOnlySet<string> SupportedSourceKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "dicom", "labels", "nifti", "analyze" };

    /// <summary>Label file formats that can be imported, per annotation kind.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> SupportedLabelFormats { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["categorical"] = new HashSet<string>(StringComparer.Ordinal) { "csv", "json" },
        ["mask"] = new HashSet<string>(StringComparer.Ordinal) { "nifti-mask", "dicom-seg", "coco" },
        ["landmarks"] = new HashSet<string>(StringComparer.Ordinal) { "landmarks-csv", "slicer-markups" },
        ["boxes"] = new HashSet<string>(StringComparer.Ordinal) { "coco" },
    };

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
        CheckLabels(m, problems);
        if (!SupportedLayouts.Contains(m.Output.Layout))
            problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt("output.layout"),
                $"output.layout: {m.Output.Layout} is not supported yet (supported: {string.Join(", ", SupportedLayouts.Order(StringComparer.Ordinal))})"));
        return problems;
    }

    private static void CheckLabels(DataForgeManifest m, List<ManifestDiagnostic> problems)
    {
        if (m.Labels?["annotations"] is not System.Text.Json.Nodes.JsonArray annotations) return;
        for (var i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i]!.AsObject();
            var kind = a["kind"]!.GetValue<string>();
            var at = $"labels.annotations[{i}]";
            if (!SupportedLabelFormats.TryGetValue(kind, out var formats))
            {
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt(at + ".kind"), $"{at}.kind: {kind} annotations are not supported yet (supported: {string.Join(", ", SupportedLabelFormats.Keys.Order(StringComparer.Ordinal))})"));
                continue;
            }
            if (a["source"]?.GetValue<string>() is not { } id)
            {
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.KeyAt(at), $"{at}: an annotation needs 'source' (the labels source it is imported from)"));
                continue;
            }
            var source = m.Sources.Select((s, n) => (s, n)).FirstOrDefault(x => x.s.Id == id && x.s.Kind == "labels");
            if (source.s is null) continue;
            if ((kind == "boxes" || (kind == "mask" && source.s.Format == "coco")) && source.s.Key is { } key && key != "SOPInstanceUID")
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt($"sources[{source.n}].key"),
                    $"sources[{source.n}].key: COCO images are matched to images by SOPInstanceUID (an image member of that name, or the file name), not {key}"));
            if (source.s.Format is not { } format || !formats.Contains(format))
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.KeyAt($"sources[{source.n}]"),
                    $"sources[{source.n}].format: {source.s.Format ?? "(none)"} cannot be imported as a {kind} annotation yet (supported: {string.Join(", ", formats.Order(StringComparer.Ordinal))})"));
            var level = a["level"]?.GetValue<string>();
            if (kind == "boxes" && level is not null && level != "image")
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt(at + ".level"), $"{at}.level: boxes are labelled per image"));
            else if (kind == "mask" && source.s.Format == "coco")
            {
                if (level is not null && level != "image")
                    problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt(at + ".level"), $"{at}.level: COCO masks are labelled per image (each image's mask is placed on its series volume)"));
            }
            else if (kind is not ("categorical" or "boxes") && level is not null && level != "series")
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt(at + ".level"), $"{at}.level: {kind} annotations are labelled per series"));
        }
    }
}
