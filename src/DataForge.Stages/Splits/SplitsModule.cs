using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;
using DataForge.Stages.Labels;

namespace DataForge.Stages.Splits;

/// <summary>The owner of the manifest's <c>splits:</c>: ratios that sum to 1, a <c>stratify</c> that names a categorical annotation.</summary>
public sealed class SplitsModule : SectionModule
{
    public override string Section => "splits";

    protected override void Check(DataForgeManifest m, SectionProblems report)
    {
        if (m.Splits is not { } splits) return;
        if (m.Deidentify is null)
            report.Report("splits", "splits are made over de-identified patients (pseudonyms); add a deidentify: section", atKey: true);
        if (splits["ratios"] is JsonObject ratios)
        {
            var sum = ratios.Sum(kv => kv.Value!.GetValue<double>());
            if (Math.Abs(sum - 1.0) > 1e-6)
                report.Report("splits.ratios", $"split ratios sum to {sum.ToString("0.######", CultureInfo.InvariantCulture)}, not 1");
        }
        if (splits["stratify"] is JsonValue s && s.GetValue<string>() is var name && !LabelsModule.Declared(m).Any(a => a.Name == name && a.Kind == "categorical"))
            report.Report("splits.stratify", $"'{name}' is not a categorical annotation in labels.annotations");
    }
}
