using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>
/// <c>curate.pixels</c>: the same decoded pixels under more than one SOP Instance UID (a re-export). The
/// instance with the lowest Study Instance UID, then SOP Instance UID, is kept and the others are
/// flagged: the choice depends neither on scheduling nor on file names, and agrees with
/// <see cref="StudyDuplicates"/>, so a study exported twice keeps one whole copy.
/// </summary>
public sealed class PixelDuplicates : IGroupCheck
{
    public string Id => "curate.pixels";
    public int Version => 1;
    public string GroupBy => "pixels";

    public IReadOnlyDictionary<string, List<Finding>> Check(IReadOnlyList<JsonElement> instances, JsonElement config)
    {
        var result = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var bySop = instances.GroupBy(i => (Study: CurationMetadata.Text(i, "study"), Sop: CurationMetadata.Text(i, "sop")))
            .OrderBy(g => g.Key.Study, StringComparer.Ordinal).ThenBy(g => g.Key.Sop, StringComparer.Ordinal).ToList();
        if (bySop.Count < 2) return result;
        var kept = bySop[0].Select(CurationMetadata.ItemOf).Min(StringComparer.Ordinal)!;
        foreach (var group in bySop.Skip(1))
            foreach (var instance in group)
                result[CurationMetadata.ItemOf(instance)] =
                    [new Finding(CurationCheck.Duplicates, $"same decoded pixels as item {kept[..12]} under another SOP Instance UID (re-exported)")];
        return result;
    }
}
