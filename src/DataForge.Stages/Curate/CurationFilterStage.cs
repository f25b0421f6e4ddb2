using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// Group stage <c>curate</c>: one action per distinct file content, reading its instance facts and the
/// group checks' records about it, applying the policy. A kept instance is passed through unchanged
/// (not copied; with empty metadata, so de-identification keys it as it would the source file); an
/// excluded one yields nothing; one failing an <c>error</c> check fails, which quarantines it and makes
/// the build exit 1. Identical copies of a file leave as one.
/// </summary>
public sealed class CurationFilterStage : IStage
{
    /// <summary>Stage id: what the stages after curation read.</summary>
    public const string Id = "curate";

    /// <summary>Bump when the same findings and policy decide differently.</summary>
    public const int Version = 1;

    private readonly CurationPolicy _policy;

    public CurationFilterStage(IReadOnlyList<string> inputs, CurationPolicy policy)
    {
        _policy = policy;
        Definition = new StageDefinition(Id, Version, StageShape.Group, inputs, CanonicalJson.From(policy.ToJson())) { GroupBy = CurationMetadata.Item };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var verdict = CurationVerdict.Of(input.Items.Select(i => i.Metadata), _policy);
        if (verdict is null) return StageResult.Success();
        if (verdict.Effect == CheckEffect.Error)
        {
            var errors = verdict.Findings.Where(f => _policy.EffectOf(f) == CheckEffect.Error).ToList();
            var more = errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "";
            return StageResult.Failed($"curation check {errors[0].Check} (on_fail: error): {errors[0].Reason}{more}");
        }
        if (!verdict.Kept) return StageResult.Success();
        var instance = input.Items.First(i => CurationMetadata.IsInstance(i.Metadata));
        // The identifying parts of the paths of every file with this content travel on to the leak gate (private).
        return StageResult.Success(new StageOutput($"kept/{verdict.Item}.dcm", instance,
            CarriedPathIdentifiers.Carry(input.Items.Where(i => CurationMetadata.IsInstance(i.Metadata)).Select(i => i.Metadata))));
    }
}
