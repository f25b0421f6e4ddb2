using System.Text.Json.Nodes;

namespace DataForge.Projects.Pacs;

/// <summary>
/// A source's <c>query:</c>, bound once: QIDO-RS matching keys for the study search and for the series search within
/// each study found (PS3.18 8.3.4). A key given a list matches any of its values: the searches are made once per
/// combination and their results united, so the query needs no server support for list matching.
/// </summary>
public sealed class DicomWebQuery
{
    /// <summary>Attributes matched by the study search.</summary>
    public static IReadOnlySet<string> StudyKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
        { "PatientID", "StudyDate", "ModalitiesInStudy", "AccessionNumber", "StudyInstanceUID", "StudyDescription" };

    /// <summary>Attributes matched by the series search.</summary>
    public static IReadOnlySet<string> SeriesKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
        { "Modality", "SeriesDescription", "SeriesInstanceUID", "BodyPartExamined" };

    private DicomWebQuery(IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> studies, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> series)
    {
        Studies = studies;
        Series = series;
    }

    /// <summary>The study searches to make (at least one, maybe with no key: every study).</summary>
    public IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Studies { get; }

    /// <summary>The series searches to make within each study.</summary>
    public IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Series { get; }

    /// <summary>Binds a <c>query:</c> the schema has checked (keys known, values strings or lists of strings).</summary>
    public static DicomWebQuery Of(JsonObject? query)
    {
        var keys = (query ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, Values: p.Value is JsonArray a ? a.Select(v => v!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList() : [p.Value!.GetValue<string>()]))
            .ToList();
        return new DicomWebQuery(Combinations(keys.Where(k => StudyKeys.Contains(k.Key)).ToList()),
            Combinations(keys.Where(k => SeriesKeys.Contains(k.Key)).ToList()));
    }

    /// <summary>Every choice of one value per key (one empty search when there is no key).</summary>
    private static List<IReadOnlyList<KeyValuePair<string, string>>> Combinations(List<(string Key, List<string> Values)> keys)
    {
        var searches = new List<IReadOnlyList<KeyValuePair<string, string>>> { Array.Empty<KeyValuePair<string, string>>() };
        foreach (var (key, values) in keys)
            searches = searches.SelectMany(s => values.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. s, new(key, v)])).ToList();
        return searches;
    }
}
