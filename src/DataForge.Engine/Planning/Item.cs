using DataForge.Engine.Hashing;
using DataForge.Engine.Indexing;

namespace DataForge.Engine.Planning;

/// <summary>
/// An item flowing between stages: a source file or one output of an action. Identity is stable
/// across builds (source + path, or producing stage + slot + output path) and names the slot of a
/// downstream map action; Label names it in messages without content (a source-relative path, or
/// a short hash for derived items).
/// <para>
/// A source file's item (<see cref="OfSource"/>) holds its <see cref="Indexing.SourceFile"/> and makes its
/// identity, label and absolute path when asked: a first build of 100,000 files holds every item until its
/// actions are done, and three strings each were about 50 MB of its peak memory. An action's output
/// (<see cref="OfOutput"/>) likewise makes its identity and label from its stage, slot, path and hash.
/// </para>
/// </summary>
internal sealed record Item
{
    private readonly string? _identity;
    private readonly string? _label;
    private readonly string? _sourceFile;
    private readonly SourceFile? _source;
    private readonly string? _stageId;
    private readonly string? _slot;

    public Item(string identity, string label, string path, ContentHash hash, long size, ContentHash metadata, ContentHash? producer, string? sourceFile)
    {
        _identity = identity;
        _label = label;
        _sourceFile = sourceFile;
        Path = path;
        Hash = hash;
        Size = size;
        Metadata = metadata;
        Producer = producer;
    }

    private Item(SourceFile file)
    {
        _source = file;
        Path = file.RelativePath;
        Hash = file.Hash;
        Size = file.Stat.Size;
        Metadata = CanonicalJson.EmptyObject.Hash;
        SourceStat = file.Stat;
        Unchanged = file.Unchanged;
    }

    private Item(ContentHash hash, string stageId, string slot, string path, long size, ContentHash metadata, ContentHash? producer, string? sourceFile)
    {
        _stageId = stageId;
        _slot = slot;
        _sourceFile = sourceFile;
        Path = path;
        Hash = hash;
        Size = size;
        Metadata = metadata;
        Producer = producer;
    }

    /// <summary>A source file's item: identity <c>source:ID/PATH</c>, label <c>ID:PATH</c>, read where the file is.</summary>
    public static Item OfSource(SourceFile file) => new(file);

    /// <summary>
    /// An output of an action of stage <paramref name="stageId"/> in slot <paramref name="slot"/>: identity
    /// <c>STAGE:SLOT:PATH</c>, label <c>STAGE#SHORTHASH</c> (output paths may be derived from content: the label never
    /// names them), both made when asked.
    /// </summary>
    public static Item OfOutput(string stageId, string slot, string path, ContentHash hash, long size, ContentHash metadata, ContentHash? producer,
        string? sourceFile) => new(hash, stageId, slot, path, size, metadata, producer, sourceFile);

    public string Identity => _identity ?? (_source is { } s ? $"source:{s.SourceId}/{s.RelativePath}" : $"{_stageId}:{_slot}:{Path}");

    public string Label => _label ?? (_source is { } s ? $"{s.SourceId}:{s.RelativePath}" : $"{_stageId}#{Hash.Short}");

    public string Path { get; init; }

    public ContentHash Hash { get; init; }

    public long Size { get; init; }

    public ContentHash Metadata { get; init; }

    /// <summary>The action that made the item (null for a source file read where it is).</summary>
    public ContentHash? Producer { get; init; }

    /// <summary>The absolute path of the source file the item is read from, or null when it is read from the store.</summary>
    public string? SourceFile => _sourceFile ?? _source?.FullPath;

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
