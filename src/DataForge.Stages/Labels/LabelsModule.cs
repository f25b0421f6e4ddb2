using System.Globalization;
using System.Text.Json.Nodes;
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
        var semantic = new SectionProblems(manifest);
        CheckLabels(manifest, semantic);
        problems.AddRange(semantic);
        return problems;
    }

    /// <summary>An annotation the manifest declares, as the checks of labels, harmonise and splits read it.</summary>
    public sealed record DeclaredAnnotation(string Name, string Kind, string? Source, bool HasPoints, bool HasValues);

    /// <summary>The annotations of <c>labels.annotations</c>, in manifest order.</summary>
    public static List<DeclaredAnnotation> Declared(DataForgeManifest m) =>
        m.Labels?["annotations"] is JsonArray a
            ? a.Select(x => x!.AsObject()).Select(o => new DeclaredAnnotation(
                o["name"]!.GetValue<string>(), o["kind"]!.GetValue<string>(), o["source"]?.GetValue<string>(),
                o.ContainsKey("points"), o.ContainsKey("values"))).ToList()
            : [];

    private static void CheckLabels(DataForgeManifest m, SectionProblems report)
    {
        if (m.Labels is not { } labels) return;
        if (labels["classes"] is JsonArray classes)
        {
            var ids = new Dictionary<long, int>();
            var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < classes.Count; i++)
            {
                var c = classes[i]!.AsObject();
                var id = c["id"]!.GetValue<long>();
                var name = c["name"]!.GetValue<string>();
                if (ids.TryGetValue(id, out var first)) report.Report($"labels.classes[{i}].id", $"class id {id} is used twice (also labels.classes[{first}])");
                else ids[id] = i;
                if (names.TryGetValue(name, out var firstName)) report.Report($"labels.classes[{i}].name", $"class name '{name}' is used twice (also labels.classes[{firstName}])");
                else names[name] = i;
            }
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = LabelsModule.Declared(m);
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            var at = $"labels.annotations[{i}]";
            if (seen.TryGetValue(a.Name, out var first)) report.Report(at + ".name", $"annotation name '{a.Name}' is used twice (also labels.annotations[{first}])");
            else seen[a.Name] = i;
            if (a.Source is { } source && !m.Sources.Any(s => s.Id == source && s.Kind == "labels"))
                report.Report(at + ".source", $"'{source}' is not the id of a labels source in sources");
            if (a.Kind == "landmarks" && !a.HasPoints) report.Report(at, "a landmarks annotation needs 'points' (the expected point names)");
            if (a.Kind != "landmarks" && a.HasPoints) report.Report(at + ".points", "'points' is only for landmarks annotations", atKey: true);
            if (a.Kind != "categorical" && a.HasValues) report.Report(at + ".values", "'values' is only for categorical annotations", atKey: true);
            if (labels["annotations"]?[i]?["segments"] is JsonObject segments) CheckSegments(m, a.Source, segments, at, report);
            // An accession number names a study: de-identification keeps its keyed token with the study only.
            if (m.Sources.FirstOrDefault(s => s.Id == a.Source)?.Key is { } key && string.Equals(key, "AccessionNumber", StringComparison.OrdinalIgnoreCase)
                && a.Kind == "categorical" && (labels["annotations"]?[i]?["level"]?.GetValue<string>() ?? "patient") != "study")
                report.Report(at, $"labels keyed by AccessionNumber (source '{a.Source}') name studies: set level: study");
        }
    }

    /// <summary>A DICOM SEG annotation's <c>segments</c> mapping names declared classes.</summary>
    private static void CheckSegments(DataForgeManifest m, string? source, JsonObject segments, string at, SectionProblems report)
    {
        if (!m.Sources.Any(s => s.Id == source && s.Format == "dicom-seg"))
        {
            report.Report(at + ".segments", "'segments' is only for annotations read from a dicom-seg source", atKey: true);
            return;
        }
        if (m.Labels?["classes"] is not JsonArray classes) return;
        var names = classes.Select(c => c!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in segments)
            if (value?.GetValue<string>() is { } name && !names.Contains(name))
                report.Report(at + ".segments", $"segment '{key}' maps to '{name}', which is not a name in labels.classes", atKey: true);
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
