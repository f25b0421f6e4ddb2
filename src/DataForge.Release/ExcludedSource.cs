using System.Text.Json;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;

namespace DataForge.Release;

/// <summary>
/// A source file the build left out before anything was made from it, by content: a file that is not DICOM, a
/// DICOMDIR, or damaged DICOM excluded by the source's <c>on_unreadable: exclude</c>. No path (paths may name patients).
/// </summary>
/// <param name="Source">The source's id.</param>
/// <param name="Sha256">The file's content hash.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Verdict"><c>not-dicom</c>, <c>media-storage-directory</c> or <c>unreadable</c>.</param>
public sealed record ExcludedSource(string Source, string Sha256, long Size, string Verdict)
{
    /// <summary>The output path of the screening report that lists them (written by the DICOM sources' screens when they skip a file).</summary>
    public const string ReportPath = "screening.json";

    /// <summary>The excluded files the listing's screening report names (none when it has none), sorted by source, verdict and hash.</summary>
    public static IReadOnlyList<ExcludedSource> From(OutputListing listing, Func<ContentHash, byte[]?>? readObject)
    {
        var report = listing.Outputs.FirstOrDefault(o => o.Path == ReportPath);
        if (report is null) return [];
        var bytes = readObject?.Invoke(report.Object)
            ?? throw new ReleaseException($"the screening report ({ReportPath}) is not in the store; run 'dataforge build'", isUsage: false);
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => new ExcludedSource(f.GetProperty("source").GetString()!, f.GetProperty("sha256").GetString()!, f.GetProperty("size").GetInt64(),
                f.GetProperty("verdict").GetString()!))
            .Distinct()
            .OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Verdict, StringComparer.Ordinal).ThenBy(e => e.Sha256, StringComparer.Ordinal)
            .ToList();
    }
}
