using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Map stage <c>harmonise-N-normalise-select</c>, for Nyul with unstratified <c>splits:</c>: passes each volume of a
/// patient in the train split on, unchanged and uncopied, at <c>SPLIT/VOLUME_ID.nii</c>, and drops the others. A
/// patient's split needs no <c>splits.json</c> here: without stratification it is a function of the secret, seed,
/// ratios and pseudonym (<see cref="SplitStage.UnstratifiedSplitOf"/>), and the splits section and the secret's
/// fingerprint are this stage's config. Being a map, each volume's action depends on that volume only, so the
/// learning reduce that reads this stage has the same inputs, and the same key, when a patient outside the train split
/// is added: it is not run again.
/// </summary>
public sealed class NyulSelectStage : IStage
{
    /// <summary>Bump when the selection of the same volume and config changes.</summary>
    public const int Version = 1;

    private readonly SplitStage _splits;

    /// <param name="step">The Nyul step.</param>
    /// <param name="inputs">The stages whose volumes are normalised.</param>
    /// <param name="splits">The splits stage (not stratified).</param>
    /// <param name="trainSplit">The split to learn over.</param>
    public NyulSelectStage(HarmoniseStep step, IReadOnlyList<string> inputs, SplitStage splits, string trainSplit)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentException.ThrowIfNullOrEmpty(trainSplit);
        _splits = splits;
        TrainSplit = trainSplit;
        var config = new JsonObject
        {
            ["splits"] = JsonNode.Parse(splits.Definition.Config.Text),
            ["train_split"] = trainSplit,
        };
        Definition = new StageDefinition(step.StageId + "-select", Version, StageShape.Map, inputs, CanonicalJson.Parse(config.ToJsonString()))
        {
            InputPaths = inputs.ToDictionary(i => i, _ => (IReadOnlyList<string>)["**/*.nii", "**/*.nii.gz"], StringComparer.Ordinal),
        };
    }

    /// <summary>The split whose volumes are passed on.</summary>
    public string TrainSplit { get; }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        if (!item.Metadata.TryGetProperty("volume_id", out var id) || id.GetString() is not { } volume)
            return StageResult.Failed("nyul: an upstream volume carries no volume_id in its metadata");
        if (!item.Metadata.TryGetProperty("pseudonym", out var p) || p.GetString() is not { Length: > 0 } pseudonym)
            return StageResult.Failed("nyul: an upstream volume carries no pseudonym in its metadata");
        if (_splits.UnstratifiedSplitOf(pseudonym) != TrainSplit) return StageResult.Success();
        var path = $"{TrainSplit}/{volume}.nii";
        if (StageOutput.CheckPath(path) is { } bad) return StageResult.Failed("volume id is not usable in a path: " + bad);
        return StageResult.Success(new StageOutput(path, item, item.Metadata));
    }
}
