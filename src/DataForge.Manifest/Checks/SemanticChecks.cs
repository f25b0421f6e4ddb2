using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>
/// Checks that a schema cannot express: unique ids, folders that exist, split ratios that sum to 1,
/// references between sections, settings that contradict each other. A section whose module checks it
/// (<see cref="ISectionChecks"/>, e.g. deidentify) is checked there, not here.
/// </summary>
public static class SemanticChecks
{
    /// <summary>Runs every check; <paramref name="manifest"/> has already passed the schema.</summary>
    public static IReadOnlyList<ManifestDiagnostic> Run(DataForgeManifest manifest)
    {
        var problems = new List<ManifestDiagnostic>();
        void Report(string path, string message, bool atKey = false) =>
            problems.Add(new ManifestDiagnostic(manifest.FilePath,
                atKey ? manifest.Document.KeyAt(path) : manifest.Document.ValueAt(path), message));

        CheckSources(manifest, Report);
        CheckOutput(manifest, Report);
        CheckHarmonise(manifest, Report);
        CheckLabels(manifest, Report);
        CheckSplits(manifest, Report);
        CheckCurate(manifest, Report);
        problems.AddRange(PngOutputChecks.Run(manifest));
        problems.AddRange(ImageSourceChecks.Run(manifest));
        return problems;
    }

    private delegate void Reporter(string path, string message, bool atKey = false);

    private static void CheckSources(DataForgeManifest m, Reporter report)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < m.Sources.Count; i++)
        {
            var s = m.Sources[i];
            var at = $"sources[{i}]";
            if (seen.TryGetValue(s.Id, out var first))
                report(at + ".id", $"duplicate source id '{s.Id}' (also sources[{first}]); ids must be unique");
            else seen[s.Id] = i;

            if (s.Kind == "dicomweb")
            {
                if (s.Url is null) report(at, "a dicomweb source needs 'url'");
                if (s.Path is not null) report(at + ".path", "a dicomweb source takes 'url', not 'path'", atKey: true);
                continue;
            }
            if (s.Url is not null) report(at + ".url", $"'url' is only for dicomweb sources; a {s.Kind} source takes 'path'", atKey: true);
            if (s.Kind != "labels" && (s.Format is not null || s.Key is not null))
                report(at, "'format' and 'key' are only for labels sources");
            if (s.Path is null) { report(at, $"a {s.Kind} source needs 'path'"); continue; }
            var full = m.Resolve(s.Path);
            var isFileOk = s.Kind == "labels";
            if (Directory.Exists(full)) continue;
            if (isFileOk && File.Exists(full)) continue;
            report(at + ".path", File.Exists(full)
                ? $"source path '{s.Path}' is a file; a {s.Kind} source names a folder"
                : $"source folder '{s.Path}' does not exist (paths are relative to the manifest's folder)");
        }
    }

    private static void CheckOutput(DataForgeManifest m, Reporter report)
    {
        if (m.Output.Layout != "dicom" && m.Deidentify is null)
            report("output.layout", $"output.layout {m.Output.Layout} needs a deidentify: section: outputs are made only from de-identified instances");
        var output = m.Resolve(m.Output.Path);
        var store = m.Resolve(".dataforge");
        if (IsInside(output, store) || IsInside(store, output))
            report("output.path", "the output folder cannot be or contain the private store .dataforge/");
        if (output == Path.GetFullPath(m.BaseDirectory))
            report("output.path", "the output folder cannot be the project folder itself; use a subfolder such as out");
        for (var i = 0; i < m.Sources.Count; i++)
        {
            if (m.Sources[i].Path is not { } p) continue;
            var source = m.Resolve(p);
            if (IsInside(output, source) || IsInside(source, output))
                report("output.path", $"the output folder overlaps source '{m.Sources[i].Id}'; outputs and sources must be separate folders");
        }
    }

    private static void CheckHarmonise(DataForgeManifest m, Reporter report)
    {
        if (m.Harmonise is not { } steps) return;
        // Steps make volumes; a dicom layout publishes the de-identified instances as they are, so the steps would be lost.
        // The volume layouts (nifti, nnunet, monai) publish the harmonised volumes; png and coco render them.
        if (m.Output.Layout is not ("nifti" or "nnunet" or "monai" or "png" or "coco"))
            report("harmonise", $"harmonise: steps make volumes, which output.layout {m.Output.Layout} does not publish; set output.layout to nifti, nnunet, monai, png or coco, or remove harmonise:");
        var flat = m.Output.Layout is "png" or "coco";
        var slices = m.Output.Png?["slices"]?.GetValue<bool>() == true;
        if (flat && m.Output.Layout == "coco" && slices)
            report("harmonise", "harmonise: COCO images name their DICOM instance, and the harmonised slices of a volume are not instances; set output.png.slices: false or use output.layout: png");
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i]!.AsObject();
            var at = $"harmonise[{i}]";
            if (flat && step.ContainsKey("reorient") && !slices)
                report(at + ".reorient", $"reorient turns volumes; with output.layout {m.Output.Layout} and without output.png.slices: true every image is 2D and has no patient orientation; remove the step", atKey: true);
            if (step["reorient"] is JsonValue r)
            {
                var code = r.GetValue<string>();
                var axes = code.Select(c => c switch { 'R' or 'L' => 0, 'A' or 'P' => 1, _ => 2 }).Distinct().Count();
                if (axes != 3) report(at + ".reorient", $"axis code '{code}' must name each axis once (one of R/L, one of A/P, one of S/I), e.g. RAS or LPS");
            }
            if (step["window"] is JsonObject w)
            {
                var centred = w.ContainsKey("center") || w.ContainsKey("width");
                var ranged = w.ContainsKey("min") || w.ContainsKey("max");
                if (centred && ranged) report(at + ".window", "window takes either center and width, or min and max, not both");
                else if (centred && !(w.ContainsKey("center") && w.ContainsKey("width"))) report(at + ".window", "window needs both center and width");
                else if (ranged && !(w.ContainsKey("min") && w.ContainsKey("max"))) report(at + ".window", "window needs both min and max");
                else if (ranged && w["min"]!.GetValue<double>() >= w["max"]!.GetValue<double>()) report(at + ".window.max", "window max must be above min");
            }
            if (step["clip"]?["percentiles"] is JsonArray p && p[0]!.GetValue<double>() >= p[1]!.GetValue<double>())
                report(at + ".clip.percentiles", "the lower percentile must be below the upper one");
            if (step["normalise"] is JsonObject n)
            {
                var method = n["method"]!.GetValue<string>();
                if (n.ContainsKey("mask") && method != "zscore") report(at + ".normalise.mask", $"'mask' is only for method zscore, not {method}", atKey: true);
                if (n.ContainsKey("width") && method != "whitestripe") report(at + ".normalise.width", $"'width' is only for method whitestripe, not {method}", atKey: true);
                if (n.ContainsKey("contrast") && method != "whitestripe") report(at + ".normalise.contrast", $"'contrast' is only for method whitestripe, not {method}", atKey: true);
                if (n["mask"] is JsonValue mask && mask.GetValue<string>() is var name && name is not ("all" or "foreground"))
                {
                    if (!Annotations(m).Any(a => a.Name == name && a.Kind == "mask"))
                        report(at + ".normalise.mask", $"mask '{name}' is neither all, foreground, nor a mask annotation in labels.annotations");
                    else if (flat)
                        report(at + ".normalise.mask", $"mask '{name}': masks do not follow the images of output.layout {m.Output.Layout}; use mask: all or foreground");
                }
            }
        }
    }

    private static void CheckLabels(DataForgeManifest m, Reporter report)
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
                if (ids.TryGetValue(id, out var first)) report($"labels.classes[{i}].id", $"class id {id} is used twice (also labels.classes[{first}])");
                else ids[id] = i;
                if (names.TryGetValue(name, out var firstName)) report($"labels.classes[{i}].name", $"class name '{name}' is used twice (also labels.classes[{firstName}])");
                else names[name] = i;
            }
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = Annotations(m);
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            var at = $"labels.annotations[{i}]";
            if (seen.TryGetValue(a.Name, out var first)) report(at + ".name", $"annotation name '{a.Name}' is used twice (also labels.annotations[{first}])");
            else seen[a.Name] = i;
            if (a.Source is { } source && !m.Sources.Any(s => s.Id == source && s.Kind == "labels"))
                report(at + ".source", $"'{source}' is not the id of a labels source in sources");
            if (a.Kind == "landmarks" && !a.HasPoints) report(at, "a landmarks annotation needs 'points' (the expected point names)");
            if (a.Kind != "landmarks" && a.HasPoints) report(at + ".points", "'points' is only for landmarks annotations", atKey: true);
            if (a.Kind != "categorical" && a.HasValues) report(at + ".values", "'values' is only for categorical annotations", atKey: true);
            if (labels["annotations"]?[i]?["segments"] is JsonObject segments) CheckSegments(m, a.Source, segments, at, report);
            // An accession number names a study: de-identification keeps its keyed token with the study only.
            if (m.Sources.FirstOrDefault(s => s.Id == a.Source)?.Key is { } key && string.Equals(key, "AccessionNumber", StringComparison.OrdinalIgnoreCase)
                && a.Kind == "categorical" && (labels["annotations"]?[i]?["level"]?.GetValue<string>() ?? "patient") != "study")
                report(at, $"labels keyed by AccessionNumber (source '{a.Source}') name studies: set level: study");
        }
    }

    /// <summary>A DICOM SEG annotation's <c>segments</c> mapping names declared classes.</summary>
    private static void CheckSegments(DataForgeManifest m, string? source, JsonObject segments, string at, Reporter report)
    {
        if (!m.Sources.Any(s => s.Id == source && s.Format == "dicom-seg"))
        {
            report(at + ".segments", "'segments' is only for annotations read from a dicom-seg source", atKey: true);
            return;
        }
        if (m.Labels?["classes"] is not JsonArray classes) return;
        var names = classes.Select(c => c!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in segments)
            if (value?.GetValue<string>() is { } name && !names.Contains(name))
                report(at + ".segments", $"segment '{key}' maps to '{name}', which is not a name in labels.classes", atKey: true);
    }

    private static void CheckSplits(DataForgeManifest m, Reporter report)
    {
        if (m.Splits is not { } splits) return;
        if (m.Deidentify is null)
            report("splits", "splits are made over de-identified patients (pseudonyms); add a deidentify: section", atKey: true);
        if (splits["ratios"] is JsonObject ratios)
        {
            var sum = ratios.Sum(kv => kv.Value!.GetValue<double>());
            if (Math.Abs(sum - 1.0) > 1e-6)
                report("splits.ratios", $"split ratios sum to {sum.ToString("0.######", CultureInfo.InvariantCulture)}, not 1");
        }
        if (splits["stratify"] is JsonValue s && s.GetValue<string>() is var name && !Annotations(m).Any(a => a.Name == name && a.Kind == "categorical"))
            report("splits.stratify", $"'{name}' is not a categorical annotation in labels.annotations");
    }

    private static void CheckCurate(DataForgeManifest m, Reporter report)
    {
        if (m.Curate?["consent"]?["withdrawn"] is JsonValue w && w.GetValue<string>() is var path && !File.Exists(m.Resolve(path)))
            report("curate.consent.withdrawn", $"consent file '{path}' does not exist (paths are relative to the manifest's folder)");
        if (m.Curate?["protocol"] is JsonObject protocol)
            foreach (var key in new[] { "field_strength", "slice_thickness", "pixel_spacing" })
                if (protocol[key] is JsonObject r && r["min"] is JsonValue lo && r["max"] is JsonValue hi && lo.GetValue<double>() > hi.GetValue<double>())
                    report($"curate.protocol.{key}", $"{key}: min is above max");
        // The schema's pattern lets 2023-02-31 through; the retention check needs a real date.
        if (m.Curate?["retention"]?["as_of"] is JsonValue a && a.GetValue<string>() is var asOf
            && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            report("curate.retention.as_of", $"as_of: {asOf} is not a calendar date (YYYY-MM-DD)");
    }

    private sealed record Annotation(string Name, string Kind, string? Source, bool HasPoints, bool HasValues);

    private static List<Annotation> Annotations(DataForgeManifest m) =>
        m.Labels?["annotations"] is JsonArray a
            ? a.Select(x => x!.AsObject()).Select(o => new Annotation(
                o["name"]!.GetValue<string>(), o["kind"]!.GetValue<string>(), o["source"]?.GetValue<string>(),
                o.ContainsKey("points"), o.ContainsKey("values"))).ToList()
            : [];

    private static bool IsInside(string path, string folder)
    {
        var f = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        var p = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        return p.StartsWith(f, StringComparison.Ordinal);
    }
}
