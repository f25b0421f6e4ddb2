using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Stages.Labels;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>labels.ANNOTATION.harmonised</c> (layouts png and coco, when a geometric step moves the 2D images):
/// one boxes annotation's boxes on the grid of the harmonised 2D images. Each image's map from acquired to harmonised
/// voxel index is the inverse of its final affine times its acquired one (<see cref="Image2DStage"/> and the last step,
/// by volume id), the exact index map resample and crop_or_pad used; <see cref="BoxGeometry"/> moves bbox corners and
/// polygon vertices through it and resamples RLE masks with the steps' label form (nearest neighbour), clips what the
/// crop cut and drops a box with nothing left. A dropped box is a violation of its image (named by pseudonym and new
/// UID) under the annotation's <c>on_fail</c>: warn keeps the image with its other boxes, exclude leaves the image out,
/// error fails the stage. Publishes <c>labels/ANNOTATION.harmonised.json</c> (schemas/labels.schema.json; the coco layout
/// reads it) and <c>labels/ANNOTATION.harmonised.report.json</c> (clipped and dropped boxes, by image and box number).
/// </summary>
public sealed class BoxGeometryStage : IStage
{
    /// <summary>Bump when the output of the same inputs changes.</summary>
    public const int Version = 1;

    private readonly string _annotation;
    private readonly string _onFail;
    private readonly IReadOnlyList<HarmoniseStep> _steps;

    /// <param name="annotation">The boxes annotation's name.</param>
    /// <param name="onFail">Its on_fail policy: warn, exclude or error.</param>
    /// <param name="labels">Its labels stage.</param>
    /// <param name="final">The stage of the last harmonise step.</param>
    /// <param name="steps">The harmonise steps (only the geometric ones act on boxes).</param>
    public BoxGeometryStage(string annotation, string onFail, string labels, string final, IReadOnlyList<HarmoniseStep> steps)
    {
        ArgumentException.ThrowIfNullOrEmpty(annotation);
        ArgumentNullException.ThrowIfNull(steps);
        _annotation = annotation;
        _onFail = onFail;
        _steps = steps.Where(s => s.IsGeometric).ToList();
        var config = new JsonObject
        {
            ["annotation"] = annotation,
            ["on_fail"] = onFail,
            ["steps"] = new JsonArray(_steps.Select(s => JsonNode.Parse(s.Config.Text)).ToArray()),
        };
        Definition = new StageDefinition(IdFor(annotation), Version, StageShape.Reduce, [labels, Image2DStage.Id, final], CanonicalJson.Parse(config.ToJsonString()))
        {
            Publish = true,
            InputPaths = new Dictionary<string, IReadOnlyList<string>> { [Image2DStage.Id] = ["**/*.nii"], [final] = ["**/*.nii", "**/*.nii.gz"] },
        };
    }

    /// <summary>The stage id of an annotation's harmonised boxes.</summary>
    public static string IdFor(string annotation) => $"labels.{annotation}.harmonised";

    /// <summary>
    /// Adds the stage for every boxes annotation with a labels stage when layout png or coco moves its 2D images (a
    /// resample or crop_or_pad step); returns the annotations' new stage ids (annotation name to stage id).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Add(Manifest.Model.DataForgeManifest manifest, List<IStage> stages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        var added = new Dictionary<string, string>(StringComparer.Ordinal);
        var steps = HarmonisePipeline.Steps(manifest);
        if (manifest.Output.Layout is not ("png" or "coco") || !steps.Any(s => s.Operation is DataForge.Imaging.Operations.Resample or CropOrPad)
            || !stages.Any(s => s.Definition.Id == Image2DStage.Id) || !stages.Any(s => s.Definition.Id == steps[^1].StageId)) return added;
        foreach (var a in manifest.Labels?["annotations"] as JsonArray ?? [])
        {
            if (a?["kind"]?.GetValue<string>() != "boxes") continue;
            var name = a["name"]!.GetValue<string>();
            if (!stages.Any(s => s.Definition.Id == LabelStage.IdFor(name))) continue;
            var stage = new BoxGeometryStage(name, a["on_fail"]?.GetValue<string>() ?? "exclude", LabelStage.IdFor(name), steps[^1].StageId, steps);
            stages.Add(stage);
            added[name] = stage.Definition.Id;
        }
        return added;
    }

    public StageDefinition Definition { get; }

    private sealed record Grid(int Width, int Height, Affine Affine);

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        LabelFile? file = null;
        var acquired = new Dictionary<string, Grid>(StringComparer.Ordinal);
        var final = new Dictionary<string, Grid>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in input.Items)
        {
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object) continue;
            if (m.TryGetProperty("label_file", out var name) && name.GetString() == _annotation)
            {
                try { file = LabelFile.Parse(item.ReadAllBytes()); }
                catch (JsonException) { return StageResult.Failed($"the label file of '{_annotation}' is not valid JSON; rebuild"); }
                continue;
            }
            if (!VolumeOutput.Is2D(item) || !m.TryGetProperty("volume_id", out var id) || !m.TryGetProperty("shape", out var shape)
                || !m.TryGetProperty("affine", out var affine)) continue;
            var dims = shape.EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var grid = new Grid(dims[0], dims[1], Affine.FromRows(affine.EnumerateArray().Select(d => d.GetDouble()).ToArray()));
            // The image2d stage's items have no step yet; the last step's have every step.
            var stepped = m.TryGetProperty("harmonise", out var h) && h.ValueKind == JsonValueKind.Array && h.GetArrayLength() > 0;
            (stepped ? final : acquired)[id.GetString()!] = grid;
            var image = m.GetProperty(Image2DStage.Property);
            var frame = image.TryGetProperty("frame", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : (int?)null;
            keys[new Place(m.GetProperty("pseudonym").GetString()!, null, null, image.GetProperty("sop_instance_uid").GetString(), frame).Key] = id.GetString()!;
        }
        if (file is null) return StageResult.Success();

        var items = new List<LabelEntry>();
        var clipped = new List<(string Item, int Box)>();
        var dropped = new List<(string Item, int Box, string Reason)>();
        foreach (var entry in file.Items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Boxes is not { } boxes) continue;
            var key = new Place(entry.Patient, null, null, entry.Image, entry.Frame).Key;
            var where = $"{entry.Patient}/{key}";
            if (!keys.TryGetValue(key, out var id) || !acquired.TryGetValue(id, out var before) || !final.TryGetValue(id, out var after))
            {
                for (var n = 0; n < boxes.Count; n++) dropped.Add((where, n + 1, "the image has no harmonised 2D image"));
                continue;
            }
            var geometry = new BoxGeometry(after.Affine.Inverse().Multiply(before.Affine), after.Width, after.Height, mask => Resample(mask, before, after));
            var kept = new List<LabelBox>();
            var lost = false;
            for (var n = 0; n < boxes.Count; n++)
            {
                var (box, outcome) = geometry.Apply(boxes[n]);
                if (box is null)
                {
                    dropped.Add((where, n + 1, outcome == BoxGeometry.Outcome.Unmapped
                        ? "its RLE mask does not resample onto the harmonised image's grid"
                        : "nothing of the box is left on the harmonised image"));
                    lost = true;
                    continue;
                }
                if (outcome == BoxGeometry.Outcome.Clipped) clipped.Add((where, n + 1));
                kept.Add(box);
            }
            if (lost && _onFail == "exclude") continue;
            items.Add(entry with { Boxes = kept });
        }
        if (_onFail == "error" && dropped.Count > 0)
        {
            var first = dropped.OrderBy(d => d.Item, StringComparer.Ordinal).ThenBy(d => d.Box).First();
            return StageResult.Failed($"{dropped.Count} boxes of '{_annotation}' do not survive the harmonise steps (on_fail: error); first: {first.Item}: box {first.Box}: {first.Reason}");
        }
        var harmonised = file with { Items = items };
        return StageResult.Success(
            new StageOutput($"labels/{_annotation}.harmonised.json", harmonised.ToBytes(),
                JsonSerializer.SerializeToElement(new { label_file_harmonised = _annotation, kind = "boxes" })),
            new StageOutput($"labels/{_annotation}.harmonised.report.json", Report(items.Count, clipped, dropped),
                JsonSerializer.SerializeToElement(new { label_report_harmonised = _annotation })));
    }

    /// <summary>
    /// A row-major mask of the acquired image through the geometric steps' label form, or null when the result is not
    /// the final grid. Each step reads its input from NIfTI, as the image's steps do (single-precision affine).
    /// </summary>
    private byte[]? Resample(byte[] mask, Grid before, Grid after)
    {
        var volume = new Volume([before.Width, before.Height, 1], mask, before.Affine);
        try
        {
            foreach (var step in _steps)
            {
                using (var stream = new MemoryStream(NiftiWriter.Encode(volume, gzip: false), writable: false))
                    volume = NiftiReader.Read(stream, "mask.nii");
                volume = LabelGeometry.Apply(volume, [step.OperationFor2D(volume)]);
            }
        }
        catch (Exception e) when (e is NiftiFormatException or ImagingException)
        {
            return null;
        }
        if (volume.Dim(0) != after.Width || volume.Dim(1) != after.Height || volume.Dim(2) != 1) return null;
        return volume.Voxels<byte>().ToArray();
    }

    private byte[] Report(int published, List<(string Item, int Box)> clipped, List<(string Item, int Box, string Reason)> dropped)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("annotation", _annotation);
            json.WriteString("on_fail", _onFail);
            json.WriteNumber("published", published);
            json.WriteStartArray("clipped");
            foreach (var (item, box) in clipped.OrderBy(c => c.Item, StringComparer.Ordinal).ThenBy(c => c.Box))
            {
                json.WriteStartObject();
                json.WriteString("item", item);
                json.WriteNumber("box", box);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("dropped");
            foreach (var (item, box, reason) in dropped.OrderBy(d => d.Item, StringComparer.Ordinal).ThenBy(d => d.Box))
            {
                json.WriteStartObject();
                json.WriteString("item", item);
                json.WriteNumber("box", box);
                json.WriteString("reason", reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
