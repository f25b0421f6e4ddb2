using System.Text.Json;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Deidentify;

/// <summary>The stages of clean-recognizable-visual-features, between the sources (or curation) and de-identification.</summary>
public static class VisualFeaturesPipeline
{
    /// <summary>Adds the facts and filter stages when the option is chosen; returns the ids de-identification reads.</summary>
    /// <param name="stages">The pipeline's stages so far.</param>
    /// <param name="policy">The manifest's <c>deidentify:</c> section, bound.</param>
    /// <param name="inputs">The ids the facts stage reads.</param>
    /// <param name="readsSources">True when <paramref name="inputs"/> are the (screened) DICOM sources themselves.</param>
    public static IReadOnlyList<string> Add(List<IStage> stages, DeidPolicy policy, IReadOnlyList<string> inputs, bool readsSources = false)
    {
        if (!policy.Has(DeidOption.CleanRecognizableVisualFeatures)) return inputs;
        stages.Add(new VisualFactsStage(inputs, readsSources));
        stages.Add(new VisualFeaturesFilterStage(VisualFeaturesPolicy.From(policy.Config)));
        return [VisualFeaturesFilterStage.Id];
    }
}
