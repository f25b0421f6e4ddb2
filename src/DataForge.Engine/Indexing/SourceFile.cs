using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Indexing;

/// <summary>A file of a source after indexing: source-relative path, absolute path, stat and content hash.</summary>
public sealed record SourceFile(string SourceId, string RelativePath, string FullPath, FileStat Stat, ContentHash Hash)
{
    /// <summary>The stat cache held this path with this hash and size before this index (the last build's view).</summary>
    public bool Unchanged { get; init; }
}
