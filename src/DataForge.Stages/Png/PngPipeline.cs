using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Png;

/// <summary>The 2D stages of layouts png and coco, after de-identification. Called by <see cref="PipelineFactory"/>.</summary>
public static class PngPipeline
{
    /// <summary>Appends the PNG stage when the layout is png or coco (the pipeline holds the deidentify stage).</summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        if (manifest.Output.Layout is not ("png" or "coco")) return;
        var settings = PngSettings.From(manifest.Output.Png is { } png ? JsonDocument.Parse(png.ToJsonString()).RootElement.Clone() : null);
        stages.Add(new PngStage(DeidentifyStage.Id, settings, publish: manifest.Output.Layout == "png"));
    }
}
