using DataForge.Engine.Hashing;

namespace DataForge.Engine.Planning;

/// <summary>
/// An item flowing between stages: a source file or one output of an action. Identity is stable
/// across builds (source + path, or producing stage + slot + output path) and names the slot of a
/// downstream map action; Label names it in messages without content (a source-relative path, or
/// a short hash for derived items).
/// </summary>
internal sealed record Item(
    string Identity,
    string Label,
    string Path,
    ContentHash Hash,
    long Size,
    ContentHash Metadata,
    ContentHash? Producer,
    string? SourceFile)
{
    /// <summary>In a status run: an item an upstream action that would run will make; its content is unknown.</summary>
    public bool Pending { get; init; }

    /// <summary>A source file's stat when it was indexed (null for derived items).</summary>
    public FileSystem.FileStat? SourceStat { get; init; }

    /// <summary>
    /// The same item (identity, content, size, metadata, producer) as in the last build: a source file
    /// whose stat-cache row had this hash and size, or an output of an action whose key was its slot's.
    /// Only meaningful to a stage whose run in the last build completed every action (StageRun).
    /// </summary>
    public bool Unchanged { get; init; }
}
