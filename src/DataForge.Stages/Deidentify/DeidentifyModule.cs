using System.Text.Json.Nodes;
using DataForge.Dicom.Dictionary;
using DataForge.Manifest;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The owner of the manifest's <c>deidentify:</c> section: its semantic checks (options that exclude
/// each other, overrides naming DICOM keywords, pseudonym formats), made here because only this module
/// knows what the settings mean. The section is bound to a <see cref="DeidPolicy"/> by <see cref="DeidPolicy.From"/>.
/// </summary>
public sealed class DeidentifyModule : ISectionChecks
{
    public string Section => "deidentify";

    public IEnumerable<ManifestDiagnostic> Check(DataForgeManifest m)
    {
        var problems = new SectionProblems(m);
        if (m.Deidentify is not { } d) return problems;
        var names = d["options"] is JsonArray options ? options.Select(o => o?.GetValue<string>() ?? "").ToList() : [];
        for (var i = 0; i < names.Count; i++)
            if (names.IndexOf(names[i]) != i)
                problems.Report($"deidentify.options[{i}]", $"option '{names[i]}' is listed twice");
        var full = names.IndexOf(DeidOption.RetainLongitudinalFullDates.Name);
        if (full >= 0 && names.Contains(DeidOption.RetainLongitudinalModifiedDates.Name))
            problems.Report($"deidentify.options[{full}]",
                "retain-longitudinal-full-dates and retain-longitudinal-modified-dates exclude each other; keep one");
        if (d.ContainsKey("burned_in_regions") && !names.Contains(DeidOption.CleanPixelData.Name) && !names.Contains(DeidOption.CleanGraphics.Name))
            problems.Report("deidentify.burned_in_regions", "burned_in_regions are applied by the clean-pixel-data option (to pixels) and the clean-graphics option (to overlays); add one to deidentify.options", atKey: true);
        if (d.ContainsKey("visual_features") && !names.Contains(DeidOption.CleanRecognizableVisualFeatures.Name))
            problems.Report("deidentify.visual_features", "visual_features are applied by the clean-recognizable-visual-features option; add it to deidentify.options", atKey: true);
        if (d["pseudonym"]?["format"]?.GetValue<string>() is { } format)
        {
            var sequential = format.Contains("{seq:", StringComparison.Ordinal);
            var width = int.Parse(format[(format.IndexOf(':') + 1)..format.IndexOf('}')], System.Globalization.CultureInfo.InvariantCulture);
            if (sequential ? width is < 1 or > 9 : width is < 6 or > 26)
                problems.Report("deidentify.pseudonym.format", sequential ? "{seq:N} takes N from 1 to 9" : "{hash:N} takes N from 6 to 26 (fewer characters would let patients collide)");
            if (sequential && d["mode"]?.GetValue<string>() == "anonymise")
                problems.Report("deidentify.pseudonym.format", "a {seq:N} pseudonym needs the vault to keep numbers stable, and mode anonymise keeps no vault; use {hash:N}");
            if (d.ContainsKey("pseudonym_prefix"))
                problems.Report("deidentify.pseudonym_prefix", "pseudonym_prefix and pseudonym.format exclude each other; write the prefix into the format");
        }
        if (d["overrides"] is JsonArray overrides) CheckOverrides(overrides, problems);
        // Options that act on DICOM pixel data and header facts NIfTI lacks (burned-in annotation, body part):
        // refused rather than skipped, so no head volume or burned-in text passes unnoticed.
        var volumes = m.Sources.Select((s, i) => (s, i)).Where(x => ImageSourceChecks.VolumeKinds.Contains(x.s.Kind)).Select(x => x.i).ToList();
        if (volumes.Count > 0)
            for (var i = 0; i < names.Count; i++)
                if (DeidOption.Find(names[i]) is { } option && (option == DeidOption.CleanPixelData || option == DeidOption.CleanRecognizableVisualFeatures))
                    problems.Report($"deidentify.options[{i}]", $"deidentify.options[{i}]: {option.Name} is not supported yet with NIfTI and Analyze sources (sources[{volumes[0]}] and any other); de-identify their pixels (deface, blank) before DataForge reads them, and remove the option or the source");
        return problems;
    }

    private static void CheckOverrides(JsonArray overrides, SectionProblems problems)
    {
        var tags = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < overrides.Count; i++)
        {
            var o = overrides[i]!.AsObject();
            var at = $"deidentify.overrides[{i}]";
            var tag = o["tag"]!.GetValue<string>();
            if (!TagSyntax.IsValid(tag))
                problems.Report(at + ".tag", $"'{tag}' is not a keyword (PatientAge), a tag (0010,1010) or a private element (CREATOR,gggg,xxee)");
            else if (TagSyntax.IsKeyword(tag) && DicomDictionary.Standard.Find(tag) is null)
                problems.Report(at + ".tag", $"'{tag}' is not a DICOM keyword (PS3.6 data dictionary)");
            if (tags.TryGetValue(tag, out var first))
                problems.Report(at + ".tag", $"'{tag}' already has an override (deidentify.overrides[{first}])");
            else tags[tag] = i;
            var action = o["action"]!.GetValue<string>();
            var hasValue = o.ContainsKey("value");
            if (action == "replace" && !hasValue) problems.Report(at, "action 'replace' needs 'value'");
            if (action != "replace" && hasValue) problems.Report(at + ".value", $"'value' is only for action 'replace', not '{action}'", atKey: true);
        }
    }
}
