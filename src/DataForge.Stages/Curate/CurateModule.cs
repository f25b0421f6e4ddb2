using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Curate;

/// <summary>The owner of the manifest's <c>curate:</c> checks: the settings a schema cannot express (files that exist, dates, thresholds).</summary>
public sealed class CurateModule : SectionModule
{
    public override string Section => "curate";

    protected override void Check(DataForgeManifest m, SectionProblems report)
    {
        if (m.Curate?["consent"]?["withdrawn"] is JsonValue w && w.GetValue<string>() is var path && !File.Exists(m.Resolve(path)))
            report.Report("curate.consent.withdrawn", $"consent file '{path}' does not exist (paths are relative to the manifest's folder)");
        if (m.Curate?["protocol"] is JsonObject protocol)
            foreach (var key in new[] { "field_strength", "slice_thickness", "pixel_spacing" })
                if (protocol[key] is JsonObject r && r["min"] is JsonValue lo && r["max"] is JsonValue hi && lo.GetValue<double>() > hi.GetValue<double>())
                    report.Report($"curate.protocol.{key}", $"{key}: min is above max");
        // The schema's pattern lets 2023-02-31 through; the retention check needs a real date.
        if (m.Curate?["retention"]?["as_of"] is JsonValue a && a.GetValue<string>() is var asOf
            && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            report.Report("curate.retention.as_of", $"as_of: {asOf} is not a calendar date (YYYY-MM-DD)");
    }
}
