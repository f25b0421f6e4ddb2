using DataForge.Dicom.Dictionary;

namespace DataForge.Release.Changes;

/// <summary>
/// Explains changed files from their bytes: each pair is read by the diff of its format (a table: DICOM by kind
/// or .dcm, NIfTI, PNG, JSON), a file of no known format or one its format's reader refuses as "content changed".
/// The counts name each change with the number of files that show it and the policy keys that concern it.
/// </summary>
public static class ContentDiff
{
    // The first row whose test takes the file reads it.
    private static readonly (Func<ReleaseFile, bool> Takes, Func<byte[], byte[], IReadOnlyList<ContentChange>?> Compare)[] Readers =
    [
        (f => f.Kind == OutputKinds.DicomInstance || f.Path.EndsWith(".dcm", StringComparison.Ordinal), DicomContentDiff.Compare),
        (f => NiftiContentDiff.Reads(f.Path), NiftiContentDiff.Compare),
        (f => f.Path.EndsWith(".png", StringComparison.Ordinal), PngContentDiff.Compare),
        (f => f.Path.EndsWith(".json", StringComparison.Ordinal), JsonContentDiff.Compare),
    ];

    /// <summary>The whole file as the change, when nothing finer can be said.</summary>
    public static readonly ContentChange WholeFile = new(ContentChangeKinds.File, "content", "changed");

    /// <summary>What differs between two versions of a file; null when either side's bytes are not at hand.</summary>
    public static IReadOnlyList<ContentChange>? Explain(ReleaseFile before, byte[]? a, ReleaseFile after, byte[]? b)
    {
        if (a is null || b is null) return null;
        foreach (var (takes, compare) in Readers)
            if (takes(after) && takes(before))
            {
                if (compare(a, b) is not { Count: > 0 } changes) return [WholeFile];
                // A JSON member is named with its file (deidentification.json, labels/grade.json), or its kind for
                // the many files under pseudonym folders (sidecars), so that the counts group like files.
                return changes.Select(c => c.Kind == ContentChangeKinds.Json ? c with { Subject = $"{c.Subject} ({Where(after)})" } : c).ToList();
            }
        return [WholeFile];
    }

    private static string Where(ReleaseFile file) => file.Path.Count(ch => ch == '/') <= 1 ? file.Path : file.Kind;

    /// <summary>
    /// Explains every pair (in parallel; the result is in pair order), reading bytes with <paramref name="read"/>
    /// (SHA-256 to bytes, null when not at hand).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<ContentChange>?> ExplainAll(IReadOnlyList<(ReleaseFile A, ReleaseFile B)> pairs, Func<string, byte[]?> read)
    {
        var result = new IReadOnlyList<ContentChange>?[pairs.Count];
        Parallel.For(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (a, b) = pairs[i];
            result[i] = Explain(a, read(a.Sha256), b, read(b.Sha256));
        });
        return result;
    }

    /// <summary>
    /// Each distinct change with its number of files, ordered by kind, subject and how; a DICOM attribute or any
    /// subject named in brackets by a changed policy key (<c>deidentify.overrides[PatientSex]</c>) gets that key.
    /// </summary>
    public static IReadOnlyList<ContentChangeCount> Count(IEnumerable<IReadOnlyList<ContentChange>?> explained, IReadOnlyList<ValueChange> policyChanges)
    {
        var counts = new Dictionary<ContentChange, int>();
        foreach (var changes in explained)
            foreach (var c in (changes ?? []).Distinct())
                counts[c] = counts.GetValueOrDefault(c) + 1;
        return counts
            .OrderBy(e => e.Key.Kind, StringComparer.Ordinal).ThenBy(e => e.Key.Subject, StringComparer.Ordinal).ThenBy(e => e.Key.How, StringComparer.Ordinal)
            .Select(e => new ContentChangeCount(e.Key.Kind, e.Key.Subject, e.Key.How, e.Value, PolicyKeys(e.Key, policyChanges)))
            .ToList();
    }

    // A policy key names a subject in brackets: deidentify.overrides[PatientSex] (a keyword, or the tag as (gggg,eeee) or gggggeeee).
    private static List<string> PolicyKeys(ContentChange change, IReadOnlyList<ValueChange> policyChanges)
    {
        var names = new List<string> { change.Subject };
        if (change.Kind == ContentChangeKinds.Dicom && DicomDictionary.Standard.Find(change.Subject) is { } entry)
            names.AddRange([entry.Tag.ToString(), $"{entry.Tag.Group:X4}{entry.Tag.Element:X4}"]);
        return policyChanges.Select(p => p.Path)
            .Where(path => names.Any(n => path.Contains($"[{n}]", StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.Ordinal).ToList();
    }
}
