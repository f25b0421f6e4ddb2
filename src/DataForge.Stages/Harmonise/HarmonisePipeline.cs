using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// The volume and harmonisation stages of a manifest, after de-identification, in two calls so that the
/// steps can read what the labels and splits stages make:
/// <list type="number">
/// <item><see cref="Add"/> (from <see cref="PipelineFactory"/>): the volume stage, when <c>output.layout</c> is nifti
/// or <c>harmonise:</c> lists steps; it publishes only for layout nifti without steps.</item>
/// <item><see cref="AddSteps"/> (from <see cref="Labels.LabelPipeline"/>, after labels and splits, before the layout
/// export): one stage per <c>harmonise:</c> item in manifest order (<c>harmonise-N-NAME</c>), each reading the one
/// before. Nyul adds a learning reduce stage (which reads the splits stage, so it learns over the train split) and a
/// stage publishing the landmarks. Each mask annotation's masks follow the image through the geometric steps
/// (<see cref="MaskStepStage"/>, nearest neighbour); <c>normalise.mask</c> naming an annotation reads the masks as
/// they stand at that step (<see cref="MaskedNormaliseStage"/>); landmarks get voxel indices on the final grid
/// (<see cref="LandmarkGeometryStage"/>). The last image step publishes only for layout nifti; the training layouts
/// read it instead.</item>
/// </list>
/// The engine needs each stage to read earlier ones only. Labels read the unharmonised volume (masks and
/// landmarks are drawn on the acquired grid), splits read pseudonyms and categorical labels, and no
/// harmonise step feeds either of them, so the order volume → labels → splits → steps → export has no cycle.
/// </summary>
public static class HarmonisePipeline
{
    /// <summary>Appends the volume stage when it is needed (<paramref name="stages"/> ends with the deidentify stage).</summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        var steps = Steps(manifest);
        if (manifest.Output.Layout != "nifti" && steps.Count == 0) return;
        stages.Add(new VolumeStage(VolumeSources.NiftiSourcePipeline.DeidentifiedInputs(stages), publish: manifest.Output.Layout == "nifti" && steps.Count == 0));
    }

    /// <summary>The steps of <c>harmonise:</c>, bound (empty when the section is absent).</summary>
    public static IReadOnlyList<HarmoniseStep> Steps(DataForgeManifest manifest) =>
        manifest.Harmonise is { } list ? HarmoniseStep.Parse(list) : [];

    /// <summary>
    /// Appends the harmonise steps and the stages carrying labels through them; returns the ids of the stages
    /// that hold the final volumes and each mask annotation's final masks.
    /// </summary>
    /// <param name="manifest">The validated manifest.</param>
    /// <param name="stages">The pipeline so far (volume, labels and splits stages included).</param>
    /// <param name="masks">Mask annotation names to their labels stage ids.</param>
    /// <param name="landmarks">Landmark annotation names to their labels stage ids and declared point names.</param>
    /// <param name="splits">The splits stage id, when the manifest has <c>splits:</c>.</param>
    public static HarmonisedStages AddSteps(DataForgeManifest manifest, List<IStage> stages, IReadOnlyDictionary<string, string> masks,
        IReadOnlyDictionary<string, (string Stage, IReadOnlyList<string> Points)> landmarks, string? splits)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        var steps = Steps(manifest);
        var current = new Dictionary<string, string>(masks, StringComparer.Ordinal);
        if (steps.Count == 0 || !stages.Any(s => s.Definition.Id == VolumeStage.Id))
            return new HarmonisedStages(VolumeStage.Id, current);

        var publish = manifest.Output.Layout == "nifti";
        // Masks enter the chain through a filter keeping the mask items of their labels stage.
        foreach (var (name, stage) in masks.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var filter = new MaskStepStage(name, null, stage, publish: false);
            stages.Add(filter);
            current[name] = filter.Definition.Id;
        }
        var lastGeometric = steps.LastOrDefault(s => s.IsGeometric)?.Index;
        var previous = VolumeStage.Id;
        var nyulCount = steps.Count(s => s.IsNyul);
        foreach (var step in steps)
        {
            var last = step.Index == steps.Count;
            if (step.IsNyul)
            {
                var learn = new NyulLearnStage(step, previous, splits);
                stages.Add(learn);
                stages.Add(new NyulLandmarksStage(learn, nyulCount == 1 ? "harmonise/nyul-landmarks.json" : $"harmonise/nyul-landmarks-{step.Index}.json"));
                stages.Add(new NyulApplyStage(step, previous, learn, publish: publish && last));
            }
            else if (step.MaskAnnotation is { } annotation)
                stages.Add(new MaskedNormaliseStage(step, previous,
                    current.TryGetValue(annotation, out var maskStage) ? maskStage
                        : throw new ArgumentException($"harmonise[{step.Index - 1}].normalise.mask names '{annotation}', which is not a mask annotation with a labels source (validation refuses this)", nameof(manifest)),
                    publish: publish && last));
            else stages.Add(new HarmoniseStepStage(step, previous, publish: publish && last));
            previous = step.StageId;
            if (!step.IsGeometric) continue;
            foreach (var name in masks.Keys.Order(StringComparer.Ordinal))
            {
                // Layout nifti publishes the final masks beside the volumes; a training layout publishes them itself.
                var maskStage = new MaskStepStage(name, step, current[name], publish: publish && step.Index == lastGeometric);
                stages.Add(maskStage);
                current[name] = maskStage.Definition.Id;
            }
        }
        if (lastGeometric is not null)
            foreach (var (name, (stage, points)) in landmarks.OrderBy(l => l.Key, StringComparer.Ordinal))
                stages.Add(new LandmarkGeometryStage(name, stage, previous, points));
        return new HarmonisedStages(previous, current);
    }
}

/// <summary>The stages holding the harmonised volumes and, per mask annotation, the masks on their grid.</summary>
public sealed record HarmonisedStages(string Volumes, IReadOnlyDictionary<string, string> Masks);
