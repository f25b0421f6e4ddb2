using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>
/// <c>curate.studies</c>: one study (same patient, study date and time, accession number) exported more than
/// once under different Study Instance UIDs. The study with the lowest UID is kept; the instances of the
/// others are flagged.
/// </summary>
public sealed class StudyDuplicates : IGroupCheck
{
    public string Id => "curate.studies";
    public int Version => 1;
    public string GroupBy => "study_key";

    public IReadOnlyDictionary<string, List<Finding>> Check(IReadOnlyList<JsonElement> instances, JsonElement config)
    {
        var result = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var byStudy = instances.GroupBy(i => CurationMetadata.Text(i, "study"), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (byStudy.Count < 2) return result;
        var kept = byStudy[0].Select(CurationMetadata.ItemOf).Min(StringComparer.Ordinal)!;
        foreach (var group in byStudy.Skip(1))
            foreach (var instance in group)
                result[CurationMetadata.ItemOf(instance)] =
                    [new Finding(CurationCheck.Duplicates, $"its study is the study of item {kept[..12]} exported again under another Study Instance UID")];
        return result;
    }
}
