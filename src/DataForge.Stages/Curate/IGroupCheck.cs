using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>A curation check over the instances sharing one metadata value (a series, a SOP Instance UID, a pixel hash, a study).</summary>
public interface IGroupCheck
{
    /// <summary>Stage id.</summary>
    string Id { get; }

    /// <summary>Bump when the findings of the same group and config change.</summary>
    int Version { get; }

    /// <summary>The instance metadata property the group shares.</summary>
    string GroupBy { get; }

    /// <summary>
    /// Findings per item (content hash) of the group's distinct instances, given in a deterministic order;
    /// items without findings are left out.
    /// </summary>
    IReadOnlyDictionary<string, List<Finding>> Check(IReadOnlyList<JsonElement> instances, JsonElement config);
}
