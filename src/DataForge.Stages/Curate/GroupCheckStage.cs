using System.Text;
using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Curate;

/// <summary>
/// Group stage running one <see cref="IGroupCheck"/> on the instance facts: one action per group, one
/// small record per instance with findings. Instances without findings get no record, so a group whose
/// verdict does not change leaves every instance's filter action cached.
/// </summary>
public sealed class GroupCheckStage(IGroupCheck check, JsonElement config) : IStage
{
    public StageDefinition Definition { get; } =
        new(check.Id, check.Version, StageShape.Group, [InstanceFactsStage.Id], CanonicalJson.From(config)) { GroupBy = check.GroupBy };

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        // Identical copies of a file share their item; the filter collapses them, the checks see one.
        var instances = input.Items.Select(i => i.Metadata).DistinctBy(CurationMetadata.ItemOf).ToList();
        var outputs = new List<StageOutput>();
        foreach (var (item, findings) in check.Check(instances, input.Config).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (findings.Count == 0) continue;
            var metadata = CurationMetadata.Record(item, findings);
            outputs.Add(new StageOutput($"records/{item}.json", Encoding.UTF8.GetBytes(metadata.GetRawText()), metadata));
        }
        return StageResult.Success(outputs);
    }
}
