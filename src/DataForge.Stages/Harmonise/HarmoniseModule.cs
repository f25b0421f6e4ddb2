using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;
using DataForge.Stages.Labels;

namespace DataForge.Stages.Harmonise;

/// <summary>The owner of the manifest's <c>harmonise:</c> steps: the checks a schema cannot express (steps that need volumes, masks that name a mask annotation, step combinations).</summary>
public sealed class HarmoniseModule : SectionModule
{
    public override string Section => "harmonise";

    protected override void Check(DataForgeManifest m, SectionProblems report)
    {
        if (m.Harmonise is not { } steps) return;
        // Steps make volumes; a dicom layout publishes the de-identified instances as they are, so the steps would be lost.
        // The volume layouts (nifti, nnunet, monai) publish the harmonised volumes; png and coco render them.
        if (m.Output.Layout is not ("nifti" or "nnunet" or "monai" or "png" or "coco"))
            report.Report("harmonise", $"harmonise: steps make volumes, which output.layout {m.Output.Layout} does not publish; set output.layout to nifti, nnunet, monai, png or coco, or remove harmonise:");
        var flat = m.Output.Layout is "png" or "coco";
        var slices = m.Output.Png?["slices"]?.GetValue<bool>() == true;
        if (flat && m.Output.Layout == "coco" && slices)
            report.Report("harmonise", "harmonise: COCO images name their DICOM instance, and the harmonised slices of a volume are not instances; set output.png.slices: false or use output.layout: png");
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i]!.AsObject();
            var at = $"harmonise[{i}]";
            if (flat && step.ContainsKey("reorient") && !slices)
                report.Report(at + ".reorient", $"reorient turns volumes; with output.layout {m.Output.Layout} and without output.png.slices: true every image is 2D and has no patient orientation; remove the step", atKey: true);
            if (step["reorient"] is JsonValue r)
            {
                var code = r.GetValue<string>();
                var axes = code.Select(c => c switch { 'R' or 'L' => 0, 'A' or 'P' => 1, _ => 2 }).Distinct().Count();
                if (axes != 3) report.Report(at + ".reorient", $"axis code '{code}' must name each axis once (one of R/L, one of A/P, one of S/I), e.g. RAS or LPS");
            }
            if (step["window"] is JsonObject w)
            {
                var centred = w.ContainsKey("center") || w.ContainsKey("width");
                var ranged = w.ContainsKey("min") || w.ContainsKey("max");
                if (centred && ranged) report.Report(at + ".window", "window takes either center and width, or min and max, not both");
                else if (centred && !(w.ContainsKey("center") && w.ContainsKey("width"))) report.Report(at + ".window", "window needs both center and width");
                else if (ranged && !(w.ContainsKey("min") && w.ContainsKey("max"))) report.Report(at + ".window", "window needs both min and max");
                else if (ranged && w["min"]!.GetValue<double>() >= w["max"]!.GetValue<double>()) report.Report(at + ".window.max", "window max must be above min");
            }
            if (step["clip"]?["percentiles"] is JsonArray p && p[0]!.GetValue<double>() >= p[1]!.GetValue<double>())
                report.Report(at + ".clip.percentiles", "the lower percentile must be below the upper one");
            if (step["normalise"] is JsonObject n)
            {
                var method = n["method"]!.GetValue<string>();
                if (n.ContainsKey("mask") && method != "zscore") report.Report(at + ".normalise.mask", $"'mask' is only for method zscore, not {method}", atKey: true);
                if (n.ContainsKey("width") && method != "whitestripe") report.Report(at + ".normalise.width", $"'width' is only for method whitestripe, not {method}", atKey: true);
                if (n.ContainsKey("contrast") && method != "whitestripe") report.Report(at + ".normalise.contrast", $"'contrast' is only for method whitestripe, not {method}", atKey: true);
                if (n["mask"] is JsonValue mask && mask.GetValue<string>() is var name && name is not ("all" or "foreground"))
                {
                    if (!LabelsModule.Declared(m).Any(a => a.Name == name && a.Kind == "mask"))
                        report.Report(at + ".normalise.mask", $"mask '{name}' is neither all, foreground, nor a mask annotation in labels.annotations");
                    else if (flat)
                        report.Report(at + ".normalise.mask", $"mask '{name}': masks do not follow the images of output.layout {m.Output.Layout}; use mask: all or foreground");
                }
            }
        }
    }
}
