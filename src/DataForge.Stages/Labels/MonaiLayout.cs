using DataForge.Imaging.Nifti;
using System.Text.Json;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Labels;

/// <summary>
/// MONAI datalist (the Medical Segmentation Decathlon shape that <c>load_decathlon_datalist</c> reads):
/// <c>images/CASE.nii.gz</c> for every case, <c>labels/CASE.nii.gz</c> for every case with a mask (on the image's
/// grid), and <c>datalist.json</c> with one list per split
/// (train → training, val / validation → validation, test → test, others under their own name) whose
/// entries hold <c>image</c>, <c>label</c> (the case's mask, when it has one) and <c>fold</c>
/// (when folds are set), plus one member per categorical annotation of the case. Paths are relative to the output folder. With a mask annotation, training and
/// validation entries without a mask are left out; test entries never need one.
/// </summary>
public static class MonaiLayout
{
    public static IReadOnlyList<StageOutput> Write(IReadOnlyList<TrainingCase> cases, IReadOnlyList<(int Id, string Name)> classes, bool hasMasks)
    {
        var outputs = new List<StageOutput>();
        var lists = new SortedDictionary<string, List<TrainingCase>>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            var key = c.Split switch { "train" or "training" => "training", "val" or "valid" or "validation" => "validation", "test" or "testing" => "test", var other => other };
            if (hasMasks && key != "test" && c.Mask is null) continue;
            if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
            list.Add(c);
            outputs.Add(new StageOutput($"images/{c.Id}.nii.gz", NiftiWriter.Gzip(c.Image.ReadAllBytes())));
            if (c.Mask is not null && c.MaskPath is { } maskPath) outputs.Add(new StageOutput(maskPath, NiftiWriter.Gzip(c.Mask.ReadAllBytes())));
        }
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (classes.Count > 0)
            {
                json.WriteStartObject("labels");
                foreach (var (id, name) in classes) json.WriteString(id.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
                json.WriteEndObject();
            }
            foreach (var key in new[] { "training", "validation", "test" }.Concat(lists.Keys.Except(["training", "validation", "test"])))
            {
                json.WriteStartArray(key);
                foreach (var c in lists.GetValueOrDefault(key) ?? [])
                {
                    json.WriteStartObject();
                    json.WriteString("image", $"images/{c.Id}.nii.gz");
                    if (c.MaskPath is { } mask) json.WriteString("label", mask);
                    if (c.Fold is { } fold) json.WriteNumber("fold", fold);
                    foreach (var (name, value) in c.Values)
                        if (name is not ("image" or "label" or "fold")) json.WriteString(name, value);
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
}
