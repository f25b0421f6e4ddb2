using System.Security.Cryptography;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Release;

/// <summary>
/// Reads a release's files from the project's store by their SHA-256, for the diff to look inside them. A
/// file the store does not hold (a clone without the store, a gc'd object) or whose bytes no longer hash to
/// the release's SHA-256 (a damaged object) reads as null: the diff then says it cannot explain that change.
/// </summary>
public static class ReleaseObjects
{
    /// <summary>A reader of the objects under <paramref name="objectsRoot"/> (<see cref="StoreLayout.Objects"/>).</summary>
    public static Func<string, byte[]?> Reader(string objectsRoot)
    {
        var store = new ObjectStore(new PhysicalFileSystem(), objectsRoot);
        return sha256 =>
        {
            ContentHash hash;
            try { hash = ContentHash.Parse(sha256); }
            catch (FormatException) { return null; }
            if (!store.Contains(hash)) return null;
            byte[] bytes;
            try
            {
                using var stream = store.OpenRead(hash);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            catch (IOException)
            {
                return null;
            }
            return Convert.ToHexStringLower(SHA256.HashData(bytes)) == sha256 ? bytes : null;
        };
    }
}
