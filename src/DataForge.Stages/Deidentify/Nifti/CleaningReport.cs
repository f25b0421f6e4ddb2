namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// What a cleaner did, per field and outcome (removed, emptied, pseudonymised, uid replaced, shifted, cleaned,
/// hashed, replaced, kept), counted; never a value. Field names are NIfTI header field names, sidecar keys
/// that are DICOM keywords or on the allow-list, and <see cref="Unlisted"/> for every other key (a key's
/// name can itself be text from the patient's record). <see cref="Counts"/> has the shape of the deidentify
/// stage's per-attribute counts, so the de-identification report can add them up.
/// </summary>
public sealed class CleaningReport
{
    /// <summary>The field name under which keys that are neither DICOM keywords nor allow-listed are counted.</summary>
    public const string Unlisted = "(unlisted key)";

    /// <summary>Field, then outcome, then how many times.</summary>
    public SortedDictionary<string, SortedDictionary<string, int>> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts one outcome for a field.</summary>
    public void Add(string field, string outcome)
    {
        if (!Counts.TryGetValue(field, out var outcomes)) Counts[field] = outcomes = new(StringComparer.Ordinal);
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
    }

    /// <summary>The outcome of a field (outcomes joined with '+' when it had several), or null when the field was not seen.</summary>
    public string? ActionOf(string field) =>
        Counts.TryGetValue(field, out var outcomes) ? string.Join('+', outcomes.Keys) : null;

    /// <summary>The counts with every field name prefixed (e.g. "nifti:" or "sidecar:"), for the report beside DICOM keywords.</summary>
    public SortedDictionary<string, SortedDictionary<string, int>> Prefixed(string prefix) =>
        new(Counts.ToDictionary(kv => prefix + kv.Key, kv => new SortedDictionary<string, int>(kv.Value, StringComparer.Ordinal)), StringComparer.Ordinal);
}
