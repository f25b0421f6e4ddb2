using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>
/// <c>curate.sop</c>: one SOP Instance UID (PS3.3 C.12.1.1.1: unique per instance) carried by files with
/// different content. Which version is right cannot be told, so every version is flagged.
/// </summary>
public sealed class SopInstanceDuplicates : IGroupCheck
{
    public string Id => "curate.sop";
    public int Version => 1;
    public string GroupBy => "sop";

    public IReadOnlyDictionary<string, List<Finding>> Check(IReadOnlyList<JsonElement> instances, JsonElement config)
    {
        var result = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        if (instances.Count < 2) return result;
        foreach (var instance in instances)
            result[CurationMetadata.ItemOf(instance)] =
                [new Finding(CurationCheck.Duplicates, $"its SOP Instance UID is shared by {instances.Count} files with different content")];
        return result;
    }
}
