using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Labels;
using DataForge.Stages.Layouts;
using DataForge.Stages.Splits;
using DataForge.Stages.VolumeSources;
using DataForge.Stages.Volumes;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages;

/// <summary>
/// The stages after de-identification that labels, splits and the training layouts need, in the
/// agreed order: (volume) -> labels -> splits -> layout export. Called by <see cref="PipelineFactory"/>.
/// </summary>
public static class LabelPipeline
{
    /// <summary>The engine source of a labels source: a folder as it is, a single file as its folder with the file as the only include.</summary>
    public static EngineSource Source(DataForgeManifest manifest, SourceSpec source)
    {
        var full = manifest.Resolve(source.Path!);
        return File.Exists(full)
            ? new EngineSource(source.Id, Path.GetDirectoryName(full)!, [Path.GetFileName(full)])
            : new EngineSource(source.Id, full, source.Include, source.Exclude);
    }

    /// <summary>
    /// True when the volume stage is needed for labels or the layout (beyond layout nifti). COCO masks label 2D
    /// images: they need volumes only for a layout of volumes (nifti, nnunet, monai).
    /// </summary>
    public static bool NeedsVolumes(DataForgeManifest manifest) =>
        manifest.Output.Layout is "nnunet" or "monai" || Annotations(manifest).Any(a => a["kind"]!.GetValue<string>() switch
        {
            "landmarks" => true,
            "mask" => !IsCoco(manifest, a) || manifest.Output.Layout == "nifti",
            _ => false,
        });

    /// <summary>True when an annotation's labels source is a COCO file.</summary>
    public static bool IsCoco(DataForgeManifest manifest, JsonObject annotation) =>
        manifest.Sources.FirstOrDefault(s => s.Id == annotation["source"]?.GetValue<string>())?.Format == "coco";

    /// <summary>Appends the labels, splits and export stages the manifest asks for (de-identification is in the pipeline).</summary>
    /// <param name="manifest">The validated manifest.</param>
    /// <param name="policy">The <c>deidentify:</c> section, bound (its pseudonym format is the labels').</param>
    /// <param name="stages">The pipeline's stages so far; the new ones are appended.</param>
    /// <param name="secret">The project secret.</param>
    /// <param name="pseudonymNumbers">The vault's assignment table for a <c>{seq:N}</c> pseudonym format (as the deidentify stage gets it).</param>
    public static void Add(DataForgeManifest manifest, DeidPolicy? policy, List<IStage> stages, byte[] secret, IReadOnlyDictionary<string, int>? pseudonymNumbers = null)
    {
        if (NeedsVolumes(manifest) && !stages.Any(s => s.Definition.Id == VolumeStage.Id))
            stages.Add(new VolumeStage(NiftiSourcePipeline.DeidentifiedInputs(stages), publish: false));
        // The pseudonyms labels are carried to: the deidentify stage's format (and numbers), never a format of their own.
        var pseudonyms = LabelPseudonyms.From(policy, pseudonymNumbers);
        var classes = manifest.Labels?["classes"] is JsonArray c ? JsonDocument.Parse(c.ToJsonString()).RootElement.Clone() : (JsonElement?)null;
        var labelStages = new Dictionary<string, string>(StringComparer.Ordinal);
        var maskStages = new Dictionary<string, string>(StringComparer.Ordinal);
        var landmarkStages = new Dictionary<string, (string, IReadOnlyList<string>)>(StringComparer.Ordinal);
        var maskAnnotations = new List<LayoutMask>();
        // A training layout publishes its masks on the final grid (labelsTr, labels/CASE.nii.gz); the labels stage then publishes none.
        var training = manifest.Output.Layout is "nnunet" or "monai";
        foreach (var node in Annotations(manifest))
        {
            var sourceId = node["source"]?.GetValue<string>();
            var source = manifest.Sources.FirstOrDefault(s => s.Id == sourceId);
            if (source is null) continue;
            var sourceJson = JsonSerializer.SerializeToElement(new Dictionary<string, string?> { ["format"] = source.Format, ["key"] = source.Key }
                .Where(kv => kv.Value is not null).ToDictionary());
            var element = JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
            var annotation = Annotation.From(element, sourceJson, classes);
            var inputs = new List<string> { source.Id };
            inputs.AddRange(NiftiSourcePipeline.DeidentifiedInputs(stages));
            if (annotation.Kind is "mask" or "landmarks" && stages.Any(s => s.Definition.Id == VolumeStage.Id)) inputs.Add(VolumeStage.Id);
            var config = JsonSerializer.SerializeToElement(new { annotation = element, source = sourceJson, classes });
            var stage = new LabelStage(annotation, inputs, config, secret, pseudonyms, publish: !(training && annotation.Kind == "mask"),
                imageSources: manifest.Sources.Where(s => s.Kind == "image").Select(s => s.Id).ToList());
            stages.Add(stage);
            if (!stage.Definition.Publish) stages.Add(new LabelFilesStage(annotation.Name, stage.Definition.Id));
            labelStages[annotation.Name] = stage.Definition.Id;
            if (annotation.Kind == "mask")
            {
                maskStages[annotation.Name] = stage.Definition.Id;
                maskAnnotations.Add(new LayoutMask(annotation.Name, annotation.Required, annotation.OnFail));
            }
            if (annotation.Kind == "landmarks") landmarkStages[annotation.Name] = (stage.Definition.Id, annotation.Points ?? []);
        }
        if (manifest.Splits is { } splits)
        {
            var config = JsonDocument.Parse(splits.ToJsonString()).RootElement.Clone();
            var inputs = NiftiSourcePipeline.DeidentifiedInputs(stages).ToList();
            if (splits["stratify"]?.GetValue<string>() is { } stratify && labelStages.TryGetValue(stratify, out var id)) inputs.Add(id);
            stages.Add(new SplitStage(inputs, config, secret));
        }
        // The labels of a training layout: every mask annotation, merged per case in manifest order.
        var layoutMasks = training ? maskAnnotations : [];
        // The harmonise steps come after labels and splits (see HarmonisePipeline); masks follow their images, for those read.
        var read = Read(manifest, maskStages, layoutMasks.Select(m => m.Name).ToHashSet(StringComparer.Ordinal));
        var harmonised = HarmonisePipeline.AddSteps(manifest, stages, read, landmarkStages, manifest.Splits is null ? null : SplitStage.Id);
        if (training)
        {
            var inputs = new List<string> { harmonised.Volumes };
            inputs.AddRange(layoutMasks.Select(m => harmonised.Masks.GetValueOrDefault(m.Name, labelStages[m.Name])).Distinct(StringComparer.Ordinal));
            inputs.AddRange(Annotations(manifest).Where(a => a["kind"]!.GetValue<string>() == "categorical" && labelStages.ContainsKey(a["name"]!.GetValue<string>()))
                .Select(a => labelStages[a["name"]!.GetValue<string>()]));
            if (manifest.Splits is not null) inputs.Add(SplitStage.Id);
            var classList = classes is { } list ? list.EnumerateArray().Select(x => (x.GetProperty("id").GetInt32(), x.GetProperty("name").GetString()!)).OrderBy(x => x.Item1).ToList() : [];
            stages.Add(new TrainingLayoutStage(manifest.Output.Layout, inputs, layoutMasks, classList));
        }
    }

    /// <summary>
    /// The mask annotations whose masks something reads after the harmonise steps: a <c>normalise</c> step's mask, the
    /// training layout's labels (every mask annotation), and (layout nifti, which publishes them) every annotation; the
    /// last two only when a geometric step moves them. A chain of mask stages that nothing reads is not built.
    /// </summary>
    private static Dictionary<string, string> Read(DataForgeManifest manifest, Dictionary<string, string> masks, IReadOnlySet<string> training)
    {
        var steps = HarmonisePipeline.Steps(manifest);
        var geometric = steps.Any(s => s.IsGeometric);
        return masks.Where(m => steps.Any(s => s.MaskAnnotation == m.Key) || (geometric && (manifest.Output.Layout == "nifti" || training.Contains(m.Key))))
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<JsonObject> Annotations(DataForgeManifest manifest) =>
        manifest.Labels?["annotations"] is JsonArray a ? a.Select(x => x!.AsObject()) : [];
}
