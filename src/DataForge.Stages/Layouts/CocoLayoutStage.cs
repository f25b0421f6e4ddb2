using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Labels;
using DataForge.Stages.Png;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Layouts;

/// <summary>
/// Reduce stage <c>export</c> of layout coco: the PNG images (<see cref="PngStage"/>) and the objects of
/// one boxes annotation and one COCO mask annotation laid out as COCO per split (<see cref="CocoLayout"/>):
/// <c>coco/images/SPLIT/SOP.png</c> and <c>coco/annotations/SPLIT.json</c>. Boxes that the harmonise steps moved come
/// from their geometry stage (<see cref="Harmonise.BoxGeometryStage"/>, label file on the harmonised images). A patient's split comes from
/// splits.json; without <c>splits:</c> every image is in split <c>all</c>, and a patient that splits.json
/// does not name goes to train (as in the other training layouts).
/// </summary>
public sealed class CocoLayoutStage : IStage
{
    /// <summary>Stage id (the export stage of every layout).</summary>
    public const string Id = "export";

    /// <summary>Bump when the output of the same inputs and config changes.</summary>
    /// <remarks>3: each image carries its pseudonym, study, series, instance, modality and split.</remarks>
    public const int Version = 3;

    private readonly IReadOnlyList<string> _annotations;
    private readonly IReadOnlyList<(int Id, string Name)> _classes;
    private readonly bool _splits;

    /// <param name="inputs">The PNG stage, the annotations' label stages and the splits stage (if any).</param>
    /// <param name="annotations">The boxes and COCO mask annotations whose objects are the COCO annotations, in that order.</param>
    /// <param name="classes">The manifest's classes (id, name); class 0 (background) is no category.</param>
    /// <param name="splits">True when the splits stage is an input.</param>
    public CocoLayoutStage(IReadOnlyList<string> inputs, IReadOnlyList<string> annotations, IReadOnlyList<(int Id, string Name)> classes, bool splits)
    {
        _annotations = annotations;
        _classes = classes;
        _splits = splits;
        var config = CanonicalJson.FromObject(new Dictionary<string, object?>
        {
            ["layout"] = "coco",
            ["annotations"] = annotations.ToArray(),
            ["classes"] = classes.Select(c => new object[] { c.Id, c.Name }).ToArray(),
            ["splits"] = splits,
        });
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, inputs, config) { Publish = true };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var images = new List<CocoLayout.Image>();
        var files = new Dictionary<string, LabelFile>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, (string Split, int? Fold)>? splits = null;
        foreach (var item in input.Items)
        {
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object) continue;
            if (m.TryGetProperty("splits", out _)) splits = SplitStage.Read(item.ReadAllBytes());
            else if ((m.TryGetProperty("label_file", out var name) || m.TryGetProperty("label_file_harmonised", out name)) && _annotations.Contains(name.GetString()))
                files[name.GetString()!] = LabelFile.Parse(item.ReadAllBytes());
            else if (m.TryGetProperty(PngStage.ImageProperty, out _))
                images.Add(new CocoLayout.Image(item,
                    m.GetProperty("pseudonym").GetString()!,
                    m.GetProperty("study_instance_uid").GetString()!,
                    m.GetProperty("series_instance_uid").GetString()!,
                    m.GetProperty("sop_instance_uid").GetString()!,
                    m.TryGetProperty("frame", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : null,
                    m.GetProperty("modality").GetString() ?? "",
                    m.GetProperty("width").GetInt32(),
                    m.GetProperty("height").GetInt32()));
        }
        // Each image's objects: the annotations' in order, each in its label file's order.
        var boxes = new Dictionary<string, IReadOnlyList<LabelBox>>(StringComparer.Ordinal);
        foreach (var name in _annotations)
            foreach (var entry in files.GetValueOrDefault(name)?.Items ?? [])
                if (entry.Image is { } sop && entry.Boxes is { Count: > 0 } list)
                {
                    var key = new Place(entry.Patient, entry.Study, entry.Series, sop, entry.Frame).Key;
                    boxes[key] = [.. boxes.GetValueOrDefault(key) ?? [], .. list];
                }
        string SplitOf(string patient) => !_splits ? "all"
            : splits is not null && splits.TryGetValue(patient, out var p) ? p.Split : "train";
        try
        {
            return StageResult.Success(CocoLayout.Write(images, boxes, _classes, SplitOf, cancellationToken));
        }
        catch (LayoutException e)
        {
            return StageResult.Failed($"output.layout coco: {e.Message}");
        }
    }
}
