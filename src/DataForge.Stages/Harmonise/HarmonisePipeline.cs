using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// The volume and harmonisation stages of a manifest, after de-identification: the volume stage when
/// <c>output.layout</c> is nifti (validation refuses <c>harmonise:</c> with any other layout), then one stage
/// per <c>harmonise:</c> item in manifest order (<c>harmonise-N-NAME</c>), each reading the one before. Nyul
/// adds a learning reduce stage before its step and a stage publishing the landmarks. Only the last volume
/// stage publishes, at the paths the volume stage uses without steps.
/// </summary>
public static class HarmonisePipeline
{
    /// <summary>Appends the stages to <paramref name="stages"/> (which ends with the deidentify stage).</summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        if (manifest.Output.Layout != "nifti") return;
        var steps = manifest.Harmonise is { } list ? HarmoniseStep.Parse(list) : [];
        stages.Add(new VolumeStage([DeidentifyStage.Id], publish: steps.Count == 0));
        var previous = VolumeStage.Id;
        var nyulCount = steps.Count(s => s.IsNyul);
        foreach (var step in steps)
        {
            var last = step.Index == steps.Count;
            if (step.IsNyul)
            {
                var learn = new NyulLearnStage(step, previous);
                stages.Add(learn);
                stages.Add(new NyulLandmarksStage(learn, nyulCount == 1 ? "harmonise/nyul-landmarks.json" : $"harmonise/nyul-landmarks-{step.Index}.json"));
                stages.Add(new NyulApplyStage(step, previous, learn, publish: last));
            }
            else stages.Add(new HarmoniseStepStage(step, previous, publish: last));
            previous = step.StageId;
        }
    }
}
