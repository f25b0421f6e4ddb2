using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>harmonise-N-nyul-learn</c>: learns Nyul landmarks (<see cref="NyulLandmarks.Learn"/>, defaults:
/// deciles with 1 and 99, foreground, scale 1..100) over every volume it reads, one volume in memory at a time.
/// It emits the landmarks once per volume (same bytes, stored once), each item carrying that volume's
/// <c>volume_id</c>, so that <see cref="NyulApplyStage"/> can group each volume with them. Until a splits stage
/// exists, the landmarks are learnt over all volumes, not over a training split.
/// </summary>
public sealed class NyulLearnStage : IStage
{
    /// <summary>Bump when the landmarks learnt from the same volumes change.</summary>
    public const int Version = 1;

    /// <summary>Metadata value of <c>role</c> on the landmark items.</summary>
    public const string Role = "nyul-landmarks";

    /// <summary>A stage learning over the volumes of stage <paramref name="input"/> for <paramref name="step"/>.</summary>
    public NyulLearnStage(HarmoniseStep step, string input)
    {
        ArgumentNullException.ThrowIfNull(step);
        StepId = step.StageId;
        Definition = new StageDefinition(step.StageId + "-learn", Version, StageShape.Reduce, [input], step.Config);
    }

    /// <summary>The id of the step this stage learns for.</summary>
    public string StepId { get; }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var ids = new List<string>(input.Items.Count);
        foreach (var item in input.Items)
        {
            if (!item.Metadata.TryGetProperty("volume_id", out var id) || id.GetString() is not { } text)
                return StageResult.Failed("an upstream volume carries no volume_id in its metadata");
            ids.Add(text);
        }
        if (ids.Count == 0) return StageResult.Success();
        NyulLandmarks landmarks;
        try
        {
            landmarks = NyulLandmarks.Learn(input.Items.Select(i =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return VolumeOutput.Read(i);
            }));
        }
        catch (NiftiFormatException e)
        {
            return StageResult.Failed("nyul: an upstream volume cannot be read: " + e.Message);
        }
        catch (ImagingException e)
        {
            return StageResult.Failed(e.Message);
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Parse(landmarks.ToJson()).Text + "\n");
        var outputs = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id =>
            new StageOutput($"{Definition.Id}/{id}.json", bytes,
                System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject { ["volume_id"] = id, ["role"] = Role })));
        return StageResult.Success(outputs);
    }
}
