using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>A store object whose bytes no longer hash to its name (written through a hard link, or damaged on disk).</summary>
public sealed class DamagedObjectException(ContentHash hash)
    : IOException($"store object {hash.Short} does not hash to its name")
{
    /// <summary>The object's name: the hash its bytes should have.</summary>
    public ContentHash Object { get; } = hash;
}
