using System.Globalization;
using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Imaging.Nifti;

namespace DataForge.Stages.Layouts;

/// <summary>
/// MONAI datalist (the Medical Segmentation Decathlon shape that <c>load_decathlon_datalist</c> reads):
/// <c>images/CASE.nii.gz</c> for every case, <c>labels/CASE.nii.gz</c> for every case with a label: its mask
/// annotations' masks merged into one map on the image's grid (<see cref="CaseLabels"/>, the schema's class ids kept),
/// and with several mask annotations each one's own mask as <c>labels/ANNOTATION/CASE.nii.gz</c>. <c>datalist.json</c>
/// has one list per split (train → training, val / validation → validation, test → test, others under their own name)
/// whose entries hold <c>image</c>, <c>label</c> (the merged map), one member per mask annotation of the case (its
/// name → its own mask; with one annotation, the label itself), <c>fold</c> (when folds are set), plus one member per
/// categorical annotation of the case. An annotation named image, label or fold gets no member of its own. Paths are
/// relative to the output folder. With a mask annotation, training and validation entries without a label are left out
/// (listed in the report); test entries never need one.
/// </summary>
public static class MonaiLayout
{
    private static readonly string[] Reserved = ["image", "label", "fold"];

    public static IReadOnlyList<StageOutput> Write(IReadOnlyList<TrainingCase> cases, IReadOnlyList<(int Id, string Name)> classes,
        IReadOnlyList<string> annotations, LayoutReport report, CancellationToken cancellationToken)
    {
        var outputs = new List<StageOutput>();
        var lists = new SortedDictionary<string, List<(TrainingCase Case, SortedDictionary<string, string> Masks)>>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = c.Split switch { "train" or "training" => "training", "val" or "valid" or "validation" => "validation", "test" or "testing" => "test", var other => other };
            if (annotations.Count > 0 && key != "test" && !c.HasLabel) continue;
            var imageBytes = c.Image.ReadAllBytes();
            var masks = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (c.HasLabel)
            {
                var image = NiftiReader.Read(new MemoryStream(imageBytes, writable: false), c.Id);
                var labels = CaseLabels.Merge(c, image.Shape, image.Affine);
                report.Overlap(c.Id, labels.Overlap);
                outputs.Add(new StageOutput(LabelPath(c), NiftiWriter.Encode(labels.ToVolume(), gzip: true), c.Metadata()));
                foreach (var (annotation, bytes) in labels.Masks)
                {
                    if (annotations.Count == 1)
                    {
                        masks[annotation] = LabelPath(c);
                        continue;
                    }
                    var path = $"labels/{annotation}/{c.Id}.nii.gz";
                    outputs.Add(new StageOutput(path, NiftiWriter.Gzip(bytes), c.Metadata()));
                    masks[annotation] = path;
                }
            }
            if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
            list.Add((c, masks));
            outputs.Add(new StageOutput($"images/{c.Id}.nii.gz", NiftiWriter.Gzip(imageBytes), c.Metadata()));
        }

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (classes.Count > 0)
            {
                json.WriteStartObject("labels");
                foreach (var (id, name) in classes) json.WriteString(id.ToString(CultureInfo.InvariantCulture), name);
                json.WriteEndObject();
            }
            foreach (var key in new[] { "training", "validation", "test" }.Concat(lists.Keys.Except(["training", "validation", "test"])))
            {
                report.List(key, lists.GetValueOrDefault(key)?.Count ?? 0);
                json.WriteStartArray(key);
                foreach (var (c, masks) in lists.GetValueOrDefault(key) ?? [])
                {
                    json.WriteStartObject();
                    json.WriteString("image", $"images/{c.Id}.nii.gz");
                    if (c.HasLabel) json.WriteString("label", LabelPath(c));
                    if (c.Fold is { } fold) json.WriteNumber("fold", fold);
                    foreach (var (name, path) in masks)
                        if (!Reserved.Contains(name)) json.WriteString(name, path);
                    foreach (var (name, value) in c.Values)
                        if (!Reserved.Contains(name) && !masks.ContainsKey(name)) json.WriteString(name, value);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        outputs.Add(new StageOutput("datalist.json", buffer.ToArray()));
        return outputs;
    }

    /// <summary>The merged label map of a case.</summary>
    public static string LabelPath(TrainingCase c) => $"labels/{c.Id}.nii.gz";
}
