using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Group stage <c>visual-features</c>: one action per series, applying <see cref="VisualFeaturesPolicy"/>.
/// Kept instances are passed through unchanged with empty metadata (so de-identification keys them as it
/// would the source file); excluded ones yield nothing here and are counted, by item hash, in
/// deidentification.json (<see cref="DeidentificationReportStage"/>). Exclusion is an expected outcome of
/// the policy, not a failure: the build goes on and exits 0.
/// </summary>
public sealed class VisualFeaturesFilterStage : IStage
{
    /// <summary>Stage id: what de-identification reads when the option is chosen.</summary>
    public const string Id = "visual-features";

    private readonly VisualFeaturesPolicy _policy;

    public VisualFeaturesFilterStage(VisualFeaturesPolicy policy)
    {
        _policy = policy;
        Definition = new StageDefinition(Id, 1, StageShape.Group, [VisualFactsStage.Id], policy.ToJson()) { GroupBy = VisualFacts.SeriesProperty };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var facts = input.Items.Select(i => VisualFacts.From(i.Metadata)!).ToList();
        var excluded = _policy.Excluded(facts);
        // One output per content; it carries the path identifiers of every file with that content, for the leak gate.
        var outputs = input.Items.Where(i => !excluded.ContainsKey(VisualFacts.From(i.Metadata)!.Item))
            .GroupBy(i => i.Hash)
            .Select(g => new StageOutput($"kept/{g.Key.Hex}.dcm", g.First(), CarriedPathIdentifiers.Carry(g.Select(i => i.Metadata))));
        return StageResult.Success(outputs);
    }
}
