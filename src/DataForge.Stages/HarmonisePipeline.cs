using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Harmonise;
using DataForge.Stages.Png;
using DataForge.Stages.Volumes;

namespace DataForge.Stages;

/// <summary>
/// The volume and harmonisation stages of a manifest, after de-identification, in two calls so that the
/// steps can read what the labels and splits stages make:
/// <list type="number">
/// <item><see cref="Add"/> (from <see cref="PipelineFactory"/>): the volume stage, when <c>output.layout</c> is nifti
/// or <c>harmonise:</c> lists steps; it publishes only for layout nifti without steps.</item>
/// <item><see cref="AddSteps"/> (from <see cref="LabelPipeline"/>, after labels and splits, before the layout
/// export): one stage per <c>harmonise:</c> item in manifest order (<c>harmonise-N-NAME</c>), each reading the one
/// before (the first reads the volume stage and, for layouts png and coco, <see cref="Image2DStage"/>). Nyul adds a
/// learning reduce stage over the train split (through <see cref="NyulSelectStage"/> when the splits are not
/// stratified, else reading the splits stage), a stage publishing the landmarks and one handing them to each volume
/// (<see cref="NyulFanOutStage"/>). Each mask annotation's masks follow the image through the geometric steps
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
    /// <summary>
    /// Appends the volume stage when it is needed (<paramref name="stages"/> ends with the deidentify stage). For the
    /// 2D layouts (png, coco) with steps: <see cref="Image2DStage"/> for the 2D images and, with <c>output.png.slices</c>,
    /// the volume stage for the series of every other modality, whose slices are rendered after the steps.
    /// </summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        var steps = Steps(manifest);
        if (manifest.Output.Layout is "png" or "coco")
        {
            if (steps.Count == 0) return;
            stages.Add(new Image2DStage(DeidentifyStage.Id, PngSettings.TwoDimensional));
            if (PngSettingsOf(manifest).Slices)
                stages.Add(new VolumeStage([DeidentifyStage.Id], publish: false, skipModalities: PngSettings.TwoDimensional));
            return;
        }
        if (manifest.Output.Layout != "nifti" && steps.Count == 0) return;
        stages.Add(new VolumeStage(VolumeSources.NiftiSourcePipeline.DeidentifiedInputs(stages), publish: manifest.Output.Layout == "nifti" && steps.Count == 0));
    }

    /// <summary>The manifest's <c>output.png</c> settings.</summary>
    public static PngSettings PngSettingsOf(DataForgeManifest manifest) =>
        PngSettings.From(manifest.Output.Png is { } png ? System.Text.Json.JsonDocument.Parse(png.ToJsonString()).RootElement.Clone() : null);

    /// <summary>The id of the stage holding the final harmonised volumes (the last step's), or null without steps.</summary>
    public static string? FinalStage(DataForgeManifest manifest) => Steps(manifest) is { Count: > 0 } steps ? steps[^1].StageId : null;

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
        // The 2D layouts render images, not masks or landmarks: those keep the acquired grid of their labels stage.
        if (manifest.Output.Layout is "png" or "coco")
        {
            masks = new Dictionary<string, string>();
            landmarks = new Dictionary<string, (string, IReadOnlyList<string>)>();
        }
        var current = new Dictionary<string, string>(masks, StringComparer.Ordinal);
        // The steps read the series' volumes and, for the 2D layouts, the 2D images.
        IReadOnlyList<string> previous = new[] { VolumeStage.Id, Image2DStage.Id }.Where(id => stages.Any(s => s.Definition.Id == id)).ToList();
        if (steps.Count == 0 || previous.Count == 0)
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
        var nyulCount = steps.Count(s => s.IsNyul);
        foreach (var step in steps)
        {
            var last = step.Index == steps.Count;
            if (step.IsNyul)
            {
                var learn = LearnStage(step, previous, stages, splits);
                stages.Add(learn);
                stages.Add(new NyulLandmarksStage(learn, nyulCount == 1 ? "harmonise/nyul-landmarks.json" : $"harmonise/nyul-landmarks-{step.Index}.json"));
                var each = new NyulFanOutStage(learn, previous);
                stages.Add(each);
                stages.Add(new NyulApplyStage(step, previous, each, publish: publish && last));
            }
            else if (step.MaskAnnotation is { } annotation)
                stages.Add(new MaskedNormaliseStage(step, previous.Single(),
                    current.TryGetValue(annotation, out var maskStage) ? maskStage
                        : throw new ArgumentException($"harmonise[{step.Index - 1}].normalise.mask names '{annotation}', which is not a mask annotation with a labels source (validation refuses this)", nameof(manifest)),
                    publish: publish && last));
            else stages.Add(new HarmoniseStepStage(step, previous, publish: publish && last));
            previous = [step.StageId];
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
                stages.Add(new LandmarkGeometryStage(name, stage, previous.Single(), points));
        return new HarmonisedStages(previous.Single(), current);
    }

    /// <summary>
    /// The Nyul learning stage: over the train split's volumes picked one by one (<see cref="NyulSelectStage"/>, added
    /// here) when the splits are not stratified and name a train split; else over splits.json and every volume; else
    /// over every volume.
    /// </summary>
    private static NyulLearnStage LearnStage(HarmoniseStep step, IReadOnlyList<string> volumes, List<IStage> stages, string? splits)
    {
        if (splits is null) return new NyulLearnStage(step, volumes);
        if (stages.OfType<Splits.SplitStage>().SingleOrDefault(s => s.Definition.Id == splits) is { Policy.Stratify: null } split
            && NyulLearnStage.TrainSplits.FirstOrDefault(name => split.Policy.Ratios.Any(r => r.Name == name && r.Ratio > 0)) is { } train)
        {
            var select = new NyulSelectStage(step, volumes, split, train);
            stages.Add(select);
            return new NyulLearnStage(step, [select.Definition.Id], selected: train);
        }
        return new NyulLearnStage(step, volumes, splits);
    }
}

/// <summary>The stages holding the harmonised volumes and, per mask annotation, the masks on their grid.</summary>
public sealed record HarmonisedStages(string Volumes, IReadOnlyDictionary<string, string> Masks);
