namespace DataForge.Engine.Indexing;

/// <summary>What indexing the sources cost and found.</summary>
public sealed record IndexReport
{
    /// <summary>Files that belong to the sources.</summary>
    public int Files { get; init; }

    /// <summary>Files whose content was read and hashed (new or changed stat).</summary>
    public int Hashed { get; init; }

    /// <summary>Bytes read to hash them.</summary>
    public long BytesHashed { get; init; }

    /// <summary>Files found under a new path with the stat (inode, size, mtime) of a known one: not re-hashed.</summary>
    public int Renamed { get; init; }

    /// <summary>Files not seen before.</summary>
    public int Added { get; init; }

    /// <summary>Known files whose stat changed.</summary>
    public int Changed { get; init; }

    /// <summary>Known files that are gone.</summary>
    public int Removed { get; init; }

    /// <summary>Files that could not be read, with the reason, by source-relative path.</summary>
    public IReadOnlyList<UnreadableFile> Unreadable { get; init; } = [];

    internal static IndexReport Sum(IEnumerable<IndexReport> reports)
    {
        var all = reports.ToList();
        return new IndexReport
        {
            Files = all.Sum(r => r.Files),
            Hashed = all.Sum(r => r.Hashed),
            BytesHashed = all.Sum(r => r.BytesHashed),
            Renamed = all.Sum(r => r.Renamed),
            Added = all.Sum(r => r.Added),
            Changed = all.Sum(r => r.Changed),
            Removed = all.Sum(r => r.Removed),
            Unreadable = all.SelectMany(r => r.Unreadable).ToList(),
        };
    }
}
