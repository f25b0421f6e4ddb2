using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Harmonise;
using DataForge.Stages.Labels;
using DataForge.Stages.Layouts;
using DataForge.Stages.Png;
using DataForge.Stages.Splits;

namespace DataForge.Stages;

/// <summary>The 2D stages of layouts png and coco, after de-identification. Called by <see cref="PipelineFactory"/>.</summary>
public static class PngPipeline
{
    /// <summary>
    /// Appends the PNG stage when the layout is png or coco (the pipeline holds the deidentify stage), and for layout png
    /// its report of what was not rendered (<see cref="PngReportStage"/>).
    /// </summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        if (manifest.Output.Layout is not ("png" or "coco")) return;
        // With harmonise steps the images are rendered after the last step (AddRendering).
        if (HarmonisePipeline.FinalStage(manifest) is not null) return;
        var settings = PngSettings.From(manifest.Output.Png is { } png ? JsonDocument.Parse(png.ToJsonString()).RootElement.Clone() : null);
        stages.Add(new PngStage(DeidentifyStage.Id, settings, publish: manifest.Output.Layout == "png"));
        // Layout png says what it did not render and why (png.report.json).
        if (manifest.Output.Layout == "png") stages.Add(new PngReportStage(DeidentifyStage.Id, PngStage.Id, settings));
    }

    /// <summary>
    /// Appends the png stage of layouts png and coco when the manifest lists <c>harmonise:</c> steps: it renders the
    /// last step's 2D images and volume slices (<see cref="HarmonisedPngStage"/>). Called after the steps are in the pipeline.
    /// </summary>
    public static void AddRendering(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        if (manifest.Output.Layout is not ("png" or "coco") || HarmonisePipeline.FinalStage(manifest) is not { } final) return;
        if (!stages.Any(s => s.Definition.Id == final)) return;
        stages.Add(new HarmonisedPngStage(final, HarmonisePipeline.PngSettingsOf(manifest), publish: manifest.Output.Layout == "png"));
        // Boxes follow their images through resample and crop_or_pad.
        BoxGeometryStage.Add(manifest, stages);
    }

    /// <summary>
    /// Appends the export stage of layout coco, after the labels and splits stages: the PNG images, the
    /// first boxes annotation and the first COCO mask annotation (manifest order) and the splits.
    /// </summary>
    public static void AddCocoExport(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        if (manifest.Output.Layout != "coco") return;
        var annotations = manifest.Labels?["annotations"] is JsonArray a ? a.Select(x => x!.AsObject()).ToList() : [];
        // The first boxes annotation and the first COCO mask annotation.
        var named = new[]
            {
                annotations.FirstOrDefault(x => x["kind"]!.GetValue<string>() == "boxes"),
                annotations.FirstOrDefault(x => x["kind"]!.GetValue<string>() == "mask" && LabelPipeline.IsCoco(manifest, x)),
            }
            .Select(x => x?["name"]!.GetValue<string>())
            .OfType<string>()
            .Where(n => stages.Any(s => s.Definition.Id == LabelStage.IdFor(n)))
            .ToList();
        var inputs = new List<string> { PngStage.Id };
        // Boxes moved by the harmonise steps come from their geometry stage, else from the labels stage.
        inputs.AddRange(named.Select(n => stages.Any(s => s.Definition.Id == BoxGeometryStage.IdFor(n)) ? BoxGeometryStage.IdFor(n) : LabelStage.IdFor(n)));
        var splits = stages.Any(s => s.Definition.Id == SplitStage.Id);
        if (splits) inputs.Add(SplitStage.Id);
        var classes = manifest.Labels?["classes"] is JsonArray c
            ? c.Select(x => (x!["id"]!.GetValue<int>(), x["name"]!.GetValue<string>())).OrderBy(x => x.Item1).ToList()
            : new List<(int, string)>();
        stages.Add(new CocoLayoutStage(inputs, named, classes, splits));
    }
}
