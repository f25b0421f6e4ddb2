using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Group stage <c>harmonise-N-normalise</c> for Nyul: each group is one volume (from the previous step) and the
/// landmarks <see cref="NyulFanOutStage"/> handed to it, grouped on <c>volume_id</c>; the volume is mapped onto
/// the standard scale and the landmarks' hash is recorded with the step's parameters.
/// </summary>
public sealed class NyulApplyStage : IStage
{
    /// <summary>Bump when the output of the same volume and landmarks changes.</summary>
    public const int Version = 2;

    private readonly HarmoniseStep _step;
    private readonly bool _publish;
    private readonly NiftiWriteOptions _options;

    /// <summary>A stage applying the landmarks that <paramref name="landmarks"/> hands to each volume of <paramref name="inputs"/>.</summary>
    public NyulApplyStage(HarmoniseStep step, IReadOnlyList<string> inputs, NyulFanOutStage landmarks, bool publish, int compressionLevel = 6)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(landmarks);
        _step = step;
        _publish = publish;
        _options = new NiftiWriteOptions { CompressionLevel = compressionLevel };
        Definition = new StageDefinition(step.StageId, Version, StageShape.Group, [.. inputs, landmarks.Definition.Id], step.Config)
        {
            GroupBy = "volume_id",
            Publish = publish,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var landmarkItems = input.Items.Where(IsLandmarks).ToList();
        var volumes = input.Items.Where(i => !IsLandmarks(i)).ToList();
        if (landmarkItems.Count != 1 || volumes.Count != 1)
            return StageResult.Failed($"nyul: expected one volume and its landmarks, found {volumes.Count} volume(s) and {landmarkItems.Count} landmark record(s)");
        NyulLandmarks landmarks;
        try
        {
            landmarks = NyulLandmarks.FromJson(System.Text.Encoding.UTF8.GetString(landmarkItems[0].ReadAllBytes()));
        }
        catch (System.Text.Json.JsonException)
        {
            return StageResult.Failed("nyul: the learnt landmarks cannot be read; rebuild");
        }
        var extra = new JsonObject { ["landmarks_sha256"] = landmarkItems[0].Hash.Hex };
        return HarmoniseStepStage.Apply(volumes[0], _step, v => landmarks.Apply(v), _publish, _options, extra);
    }

    /// <summary>True for a landmark record (its metadata's <c>role</c>).</summary>
    internal static bool IsLandmarks(StageItem item) =>
        item.Metadata.TryGetProperty("role", out var role) && role.GetString() == NyulLearnStage.Role;
}
