using System.Text.Json;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Deidentify;

/// <summary>The stages of clean-recognizable-visual-features, between the sources (or curation) and de-identification.</summary>
public static class VisualFeaturesPipeline
{
    /// <summary>Adds the facts and filter stages when the option is chosen; returns the ids de-identification reads.</summary>
    public static IReadOnlyList<string> Add(List<IStage> stages, JsonElement policyConfig, IReadOnlyList<string> inputs)
    {
        if (!DeidPolicy.From(policyConfig).Has("clean-recognizable-visual-features")) return inputs;
        stages.Add(new VisualFactsStage(inputs));
        stages.Add(new VisualFeaturesFilterStage(VisualFeaturesPolicy.From(policyConfig)));
        return [VisualFeaturesFilterStage.Id];
    }
}
