using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Map stage carrying the masks of one mask annotation through one geometric harmonise step, so that each mask
/// stays on its image's grid: <c>labels.ANNOTATION.harmonise-N-NAME</c> applies the step with
/// <see cref="LabelGeometry"/> (reorient and crop_or_pad as for the image, resample always nearest neighbour;
/// the mask's values are never interpolated). Without a step (<c>labels.ANNOTATION.masks</c>) it is the filter
/// at the head of the chain: it passes the annotation's mask items of the labels stage on as they are and drops
/// the label file and report. With layout nifti the stage of the last geometric step publishes the masks at
/// <c>labels/ANNOTATION/harmonised/PSEUDONYM/SERIES[suffix].nii.gz</c> (metadata <c>mask_path</c>; the suffix of the
/// sub-series the labels stage put the mask on, see <see cref="SubSeriesVolumes"/>) and the labels stage still
/// publishes them on the acquired grid; with a training layout only the export publishes them. Metadata: the upstream mask's, with the new shape and affine and
/// <c>harmonised</c>, the geometric steps applied so far.
/// </summary>
public sealed class MaskStepStage : IStage
{
    /// <summary>Bump when the output of the same mask and step changes.</summary>
    public const int Version = 2;

    private readonly string _annotation;
    private readonly HarmoniseStep? _step;
    private readonly bool _publish;

    /// <param name="annotation">The mask annotation's name.</param>
    /// <param name="step">A geometric step, or null for the filter at the head of the chain.</param>
    /// <param name="input">The labels stage (for the filter) or the previous mask stage.</param>
    /// <param name="publish">True for the last geometric step.</param>
    public MaskStepStage(string annotation, HarmoniseStep? step, string input, bool publish)
    {
        ArgumentException.ThrowIfNullOrEmpty(annotation);
        if (step is not null && !step.IsGeometric) throw new ArgumentException("only geometric steps apply to masks", nameof(step));
        _annotation = annotation;
        _step = step;
        _publish = publish;
        var config = new JsonObject
        {
            ["annotation"] = annotation,
            ["step"] = step is null ? null : JsonNode.Parse(step.Config.Text),
            ["interpolation"] = "nearest",
        };
        // The output's path and compression depend on the publish flag; the engine keys every action by it.
        Definition = new StageDefinition(IdFor(annotation, step), Version, StageShape.Map, [input], CanonicalJson.Parse(config.ToJsonString()))
        {
            Publish = publish,
        };
    }

    /// <summary>The stage id for an annotation and step (null: the filter).</summary>
    public static string IdFor(string annotation, HarmoniseStep? step) => $"labels.{annotation}.{step?.StageId ?? "masks"}";

    /// <summary>The published path of a harmonised mask.</summary>
    public static string PublishedPath(string annotation, string pseudonym, string series) => $"labels/{annotation}/harmonised/{pseudonym}/{series}.nii.gz";

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        var m = item.Metadata;
        if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("label_mask", out var a) || a.GetString() != _annotation)
            return StageResult.Success();
        var pseudonym = m.TryGetProperty("pseudonym", out var p) ? p.GetString() : null;
        var series = m.TryGetProperty("series_instance_uid", out var s) ? s.GetString() : null;
        if (pseudonym is null || series is null) return StageResult.Failed($"mask {item.Hash.Short} carries no pseudonym or series in its metadata");
        // A mask of a sub-series (echo, orientation...) is named like its volume: SERIES_suffix.
        if (m.TryGetProperty("volume_id", out var v) && v.GetString() is { } id && id.StartsWith(pseudonym + "/" + series, StringComparison.Ordinal))
            series = id[(pseudonym.Length + 1)..];
        if (_step is null) return StageResult.Success(new StageOutput($"{Definition.Id}/{pseudonym}/{series}.nii.gz", item, m));

        Volume mask;
        try
        {
            using var stream = new MemoryStream(item.ReadAllBytes(), writable: false);
            mask = LabelGeometry.Apply(NiftiReader.Read(stream, item.Hash.Short + ".nii"), [_step.Operation]);
        }
        catch (Exception e) when (e is NiftiFormatException or ImagingException)
        {
            return StageResult.Failed($"{Definition.Id}: mask {item.Hash.Short}: {e.Message}");
        }
        var metadata = JsonNode.Parse(m.GetRawText())!.AsObject();
        metadata.Remove("image");
        if (metadata["harmonised"] is not JsonArray steps) metadata["harmonised"] = steps = new JsonArray();
        steps.Add(JsonNode.Parse(_step.Config.Text));
        metadata["shape"] = new JsonArray(mask.Shape.Take(3).Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
        metadata["affine"] = new JsonArray(mask.Affine.ToArray().Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
        string path;
        if (_publish)
        {
            path = PublishedPath(_annotation, pseudonym, series);
            metadata["mask_path"] = path;
        }
        else
        {
            path = $"{Definition.Id}/{pseudonym}/{series}.nii";
            metadata.Remove("mask_path");
        }
        if (StageOutput.CheckPath(path) is { } bad) return StageResult.Failed("pseudonym or series UID is not usable in a path: " + bad);
        return StageResult.Success(new StageOutput(path, NiftiWriter.Encode(mask, gzip: _publish), JsonSerializer.SerializeToElement(metadata)));
    }
}
