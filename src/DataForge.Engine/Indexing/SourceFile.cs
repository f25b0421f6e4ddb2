using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Indexing;

/// <summary>
/// A file of a source after indexing: source-relative path, stat and content hash. <see cref="RootPrefix"/> is the
/// source's folder with a trailing slash: the absolute path is made only when asked for (a no-op build of 100,000
/// files needs none).
/// </summary>
public sealed record SourceFile(string SourceId, string RelativePath, string RootPrefix, FileStat Stat, ContentHash Hash)
{
    /// <summary>The stat cache held this path with this hash and size before this index (the last build's view).</summary>
    public bool Unchanged { get; init; }

    /// <summary>The file's absolute path.</summary>
    public string FullPath => RootPrefix + RelativePath;
}
