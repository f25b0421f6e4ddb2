using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>harmonise-N-normalise-each</c>: hands the landmarks that <see cref="NyulLearnStage"/> learnt to every
/// volume, as one uncopied pass-through of the landmark record per <c>volume_id</c>, so that
/// <see cref="NyulApplyStage"/> can group each volume with them. It reads the volumes' metadata, never their voxels,
/// so a new volume costs it a list, not a read; the learning itself reads only the training volumes.
/// </summary>
public sealed class NyulFanOutStage : IStage
{
    /// <summary>Bump when the output of the same inputs changes.</summary>
    public const int Version = 1;

    /// <param name="learn">The learning stage.</param>
    /// <param name="inputs">The stages whose volumes are normalised.</param>
    public NyulFanOutStage(NyulLearnStage learn, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(learn);
        Definition = new StageDefinition(learn.StepId + "-each", Version, StageShape.Reduce, [learn.Definition.Id, .. inputs])
        {
            InputPaths = inputs.ToDictionary(i => i, _ => (IReadOnlyList<string>)["**/*.nii", "**/*.nii.gz"], StringComparer.Ordinal),
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var landmarks = input.Items.Where(NyulApplyStage.IsLandmarks).ToList();
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in input.Items)
        {
            if (NyulApplyStage.IsLandmarks(item)) continue;
            if (!item.Metadata.TryGetProperty("volume_id", out var id) || id.GetString() is not { } text)
                return StageResult.Failed("nyul: an upstream volume carries no volume_id in its metadata");
            ids.Add(text);
        }
        if (ids.Count == 0) return StageResult.Success();
        if (landmarks.Count != 1) return StageResult.Failed($"nyul: expected one landmark record, found {landmarks.Count}");
        return StageResult.Success(ids.Select(id => new StageOutput($"{Definition.Id}/{id}.json", landmarks[0],
            JsonSerializer.SerializeToElement(new JsonObject { ["volume_id"] = id, ["role"] = NyulLearnStage.Role }))));
    }
}
