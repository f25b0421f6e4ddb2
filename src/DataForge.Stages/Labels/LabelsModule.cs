using DataForge.Manifest;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Labels;

/// <summary>
/// The owner of the manifest's <c>labels:</c> section: which label file formats each annotation kind
/// imports (what this version builds; anything else is refused as "not supported yet", never ignored),
/// and the combinations of kind, source format, key and level that make sense.
/// </summary>
public sealed class LabelsModule : ISectionChecks
{
    /// <summary>Label file formats that can be imported, per annotation kind.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Formats { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["categorical"] = new HashSet<string>(StringComparer.Ordinal) { "csv", "json" },
        ["mask"] = new HashSet<string>(StringComparer.Ordinal) { "nifti-mask", "dicom-seg", "coco" },
        ["landmarks"] = new HashSet<string>(StringComparer.Ordinal) { "landmarks-csv", "slicer-markups" },
        ["boxes"] = new HashSet<string>(StringComparer.Ordinal) { "coco" },
    };

    public string Section => "labels";

    public IEnumerable<ManifestDiagnostic> Check(DataForgeManifest manifest)
    {
        var problems = new List<ManifestDiagnostic>();
        CheckFormats(manifest, problems);
        return problems;
    }

    private static void CheckFormats(DataForgeManifest m, List<ManifestDiagnostic> problems)
    {
        if (m.Labels?["annotations"] is not System.Text.Json.Nodes.JsonArray annotations) return;
        for (var i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i]!.AsObject();
            var kind = a["kind"]!.GetValue<string>();
            var at = $"labels.annotations[{i}]";
            if (!Formats.TryGetValue(kind, out var formats))
            {
                problems.Add(new ManifestDiagnostic(m.FilePath, m.Document.ValueAt(at + ".kind"), $"{at}.kind: {kind} annotations are not supported yet (supported: {string.Join(", ", Formats.Keys.Order(StringComparer.Ordinal))})"));
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
