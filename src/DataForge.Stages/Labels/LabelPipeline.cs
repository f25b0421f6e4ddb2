using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Harmonise;
using DataForge.Stages.Splits;
using DataForge.Stages.VolumeSources;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Labels;

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

    /// <summary>True when the volume stage is needed for labels or the layout (beyond layout nifti).</summary>
    public static bool NeedsVolumes(DataForgeManifest manifest) =>
        manifest.Output.Layout is "nnunet" or "monai" || Annotations(manifest).Any(a => a["kind"]!.GetValue<string>() is "mask" or "landmarks");

    /// <summary>Appends the labels, splits and export stages the manifest asks for (de-identification is in the pipeline).</summary>
    public static void Add(DataForgeManifest manifest, List<IStage> stages, byte[] secret)
    {
        if (NeedsVolumes(manifest) && !stages.Any(s => s.Definition.Id == VolumeStage.Id))
            stages.Add(new VolumeStage(NiftiSourcePipeline.DeidentifiedInputs(stages), publish: false));
        var prefix = manifest.Deidentify?["pseudonym_prefix"]?.GetValue<string>() ?? "ANON-";
        var classes = manifest.Labels?["classes"] is JsonArray c ? JsonDocument.Parse(c.ToJsonString()).RootElement.Clone() : (JsonElement?)null;
        var labelStages = new Dictionary<string, string>(StringComparer.Ordinal);
        var maskStages = new Dictionary<string, string>(StringComparer.Ordinal);
        var landmarkStages = new Dictionary<string, (string, IReadOnlyList<string>)>(StringComparer.Ordinal);
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
            if (annotation.Kind is "mask" or "landmarks") inputs.Add(VolumeStage.Id);
            var config = JsonSerializer.SerializeToElement(new { annotation = element, source = sourceJson, classes });
            var stage = new LabelStage(annotation, inputs, config, secret, prefix);
            stages.Add(stage);
            labelStages[annotation.Name] = stage.Definition.Id;
            if (annotation.Kind == "mask") maskStages[annotation.Name] = stage.Definition.Id;
            if (annotation.Kind == "landmarks") landmarkStages[annotation.Name] = (stage.Definition.Id, annotation.Points ?? []);
        }
        if (manifest.Splits is { } splits)
        {
            var config = JsonDocument.Parse(splits.ToJsonString()).RootElement.Clone();
            var inputs = NiftiSourcePipeline.DeidentifiedInputs(stages).ToList();
            if (splits["stratify"]?.GetValue<string>() is { } stratify && labelStages.TryGetValue(stratify, out var id)) inputs.Add(id);
            stages.Add(new SplitStage(inputs, config, secret));
        }
        // The harmonise steps come after labels and splits (see HarmonisePipeline); masks follow their images.
        var harmonised = HarmonisePipeline.AddSteps(manifest, stages, maskStages, landmarkStages, manifest.Splits is null ? null : SplitStage.Id);
        if (manifest.Output.Layout is "nnunet" or "monai")
        {
            // The labels of a training layout: the first mask annotation, in manifest order.
            var mask = Annotations(manifest).FirstOrDefault(a => a["kind"]!.GetValue<string>() == "mask" && labelStages.ContainsKey(a["name"]!.GetValue<string>()))?["name"]!.GetValue<string>();
            var inputs = new List<string> { harmonised.Volumes };
            if (mask is not null) inputs.Add(harmonised.Masks.GetValueOrDefault(mask, labelStages[mask]));
            inputs.AddRange(Annotations(manifest).Where(a => a["kind"]!.GetValue<string>() == "categorical" && labelStages.ContainsKey(a["name"]!.GetValue<string>()))
                .Select(a => labelStages[a["name"]!.GetValue<string>()]));
            if (manifest.Splits is not null) inputs.Add(SplitStage.Id);
            var classList = classes is { } list ? list.EnumerateArray().Select(x => (x.GetProperty("id").GetInt32(), x.GetProperty("name").GetString()!)).OrderBy(x => x.Item1).ToList() : [];
            stages.Add(new TrainingLayoutStage(manifest.Output.Layout, inputs, mask, classList));
        }
    }

    private static IEnumerable<JsonObject> Annotations(DataForgeManifest manifest) =>
        manifest.Labels?["annotations"] is JsonArray a ? a.Select(x => x!.AsObject()) : [];
}
