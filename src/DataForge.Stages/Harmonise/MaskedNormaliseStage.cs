using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Group stage <c>harmonise-N-normalise</c> for <c>normalise: {method: zscore, mask: ANNOTATION}</c>: each group
/// (on <c>series_instance_uid</c>) is a series' volume from the previous step and its mask of the annotation as
/// it stands at that step (<see cref="MaskStepStage"/>: same geometric steps, so the same grid). The statistics
/// come from the voxels where the mask is non-zero; the map applies to every voxel. A volume whose series has no
/// mask, or whose mask is on another grid, fails with that reason (the statistics it asks for do not exist);
/// the mask's hash is recorded with the step's parameters.
/// </summary>
public sealed class MaskedNormaliseStage : IStage
{
    /// <summary>Bump when the output of the same volume and mask changes.</summary>
    public const int Version = 1;

    /// <summary>Largest affine difference (mm) between a volume and its mask.</summary>
    public const double AffineTolerance = 1e-3;

    private readonly HarmoniseStep _step;
    private readonly bool _publish;
    private readonly NiftiWriteOptions _options;

    /// <summary>A stage normalising the volumes of <paramref name="input"/> over the masks of <paramref name="masks"/>.</summary>
    public MaskedNormaliseStage(HarmoniseStep step, string input, string masks, bool publish, int compressionLevel = 6)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.MaskAnnotation is null) throw new ArgumentException("the step's mask names no annotation", nameof(step));
        _step = step;
        _publish = publish;
        _options = new NiftiWriteOptions { CompressionLevel = compressionLevel };
        Definition = new StageDefinition(step.StageId, Version, StageShape.Group, [input, masks], step.Config)
        {
            GroupBy = "series_instance_uid",
            Publish = publish,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var masks = input.Items.Where(IsMask).ToList();
        var volumes = input.Items.Where(i => !IsMask(i)).ToList();
        if (volumes.Count == 0) return StageResult.Success(); // a mask without a volume: the labels stage reported it
        var outputs = new List<StageOutput>();
        foreach (var volume in volumes.OrderBy(v => v.Metadata.GetProperty("volume_id").GetString(), StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Each volume's own mask: the labels stage names the (sub-)series volume a mask lies on by its volume_id.
            var id = volume.Metadata.GetProperty("volume_id").GetString();
            var own = masks.Where(m => VolumeIdOf(m) is not { } v || v == id).ToList();
            if (own.Count != 1)
                return StageResult.Failed($"{_step.StageId}: normalise over mask '{_step.MaskAnnotation}' needs one mask of the {(masks.Count > own.Count ? "sub-series" : "series")}, found {own.Count}");
            Volume mask;
            try
            {
                mask = VolumeOutput.Read(own[0]);
            }
            catch (NiftiFormatException e)
            {
                return StageResult.Failed($"{_step.StageId}: the mask cannot be read: {e.Message}");
            }
            var operation = (Normalise)_step.Operation! with { Mask = new IntensityMask(MaskKind.Label, mask) };
            var extra = new JsonObject { ["mask_sha256"] = own[0].Hash.Hex };
            var result = HarmoniseStepStage.Apply(volume, _step, v =>
            {
                if (!v.Shape.Take(3).SequenceEqual(mask.Shape.Take(3)) || !v.Affine.ApproximatelyEquals(mask.Affine, AffineTolerance))
                    throw new ImagingException($"the mask of '{_step.MaskAnnotation}' is not on the volume's grid");
                return operation.Apply(v);
            }, _publish, _options, extra);
            if (result.IsFailure) return result;
            outputs.AddRange(result.Outputs);
        }
        return StageResult.Success(outputs);
    }

    private static string? VolumeIdOf(StageItem mask) =>
        mask.Metadata.TryGetProperty("volume_id", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool IsMask(StageItem item) =>
        item.Metadata.ValueKind == JsonValueKind.Object && item.Metadata.TryGetProperty("label_mask", out _);
}
