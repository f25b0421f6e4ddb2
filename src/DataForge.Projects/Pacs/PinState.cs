namespace DataForge.Projects.Pacs;

/// <summary>
/// A DICOMweb source's pin as one read found it: the instances <c>pinned.tsv</c> names (null before the first pull)
/// and those of them the cache does not hold, from one parse of the pin and one listing of <c>objects/</c> (a stat per
/// pinned instance would be 10^5 lookups on a network disk). The build's filter, the report of a build that left
/// series out, <c>status</c> and <c>release</c> all read this one state, so they agree on what was left out.
/// </summary>
public sealed class PinState
{
    private readonly HashSet<string> _read;

    /// <param name="pinned">The pinned instances, or null before the first pull.</param>
    /// <param name="cached">The hashes of the files in <c>objects/</c>.</param>
    public PinState(IReadOnlyList<PacsInstance>? pinned, IReadOnlySet<string> cached)
    {
        ArgumentNullException.ThrowIfNull(cached);
        Pinned = pinned;
        Missing = (pinned ?? []).Where(i => !cached.Contains(i.Sha256!)).ToList();
        // A series that lacks a pinned instance is left out whole: the build never reads part of a series.
        var incomplete = Missing.Select(i => (i.Study, i.Series)).ToHashSet();
        _read = (pinned ?? []).Where(i => !incomplete.Contains((i.Study, i.Series))).Select(i => i.Sha256!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The instances of the last complete pull, or null before the first.</summary>
    public IReadOnlyList<PacsInstance>? Pinned { get; }

    /// <summary>The pinned instances whose file is not in the cache (moved aside by fsck, or deleted), in pin order.</summary>
    public IReadOnlyList<PacsInstance> Missing { get; }

    /// <summary>Whether the build reads the cached file of <paramref name="sha256"/>: pinned, and its series whole.</summary>
    public bool Reads(string sha256) => _read.Contains(sha256);
}
