using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>
/// The findings about one item (one content) from every curation stage, and what the policy makes of
/// them: the strongest effect wins (error over exclude over warn). Used by the filter, which acts on it,
/// and by the report, which tells it; both read the same inputs, so they cannot disagree.
/// </summary>
public sealed record CurationVerdict(string Item, int Copies, IReadOnlyList<Finding> Findings, CheckEffect? Effect)
{
    /// <summary>
    /// The verdict on the metadata of one item's instance facts (one per identical copy) and records.
    /// Returns null when there are no instance facts (a record whose instance failed to read).
    /// </summary>
    public static CurationVerdict? Of(IEnumerable<JsonElement> metadata, CurationPolicy policy)
    {
        string? item = null;
        var copies = 0;
        var findings = new List<Finding>();
        foreach (var m in metadata)
        {
            item ??= CurationMetadata.ItemOf(m);
            if (CurationMetadata.IsInstance(m))
            {
                // Identical copies carry identical findings: count them once.
                if (copies++ == 0) findings.AddRange(CurationMetadata.FindingsOf(m));
            }
            else findings.AddRange(CurationMetadata.FindingsOf(m));
        }
        if (item is null || copies == 0) return null;
        if (copies > 1)
            findings.Add(new Finding(CurationCheck.Duplicates, $"{copies} files hold identical bytes; one copy is kept", KeepsOneCopy: true));
        findings = findings.Distinct().OrderBy(f => CurationCheck.All.ToList().IndexOf(f.Check)).ThenBy(f => f.Reason, StringComparer.Ordinal).ToList();
        CheckEffect? effect = findings.Count == 0 ? null : findings.Max(f => policy.EffectOf(f));
        return new CurationVerdict(item, copies, findings, effect);
    }

    /// <summary>True when the item goes on to de-identification.</summary>
    public bool Kept => Effect is null or CheckEffect.Warn;
}
