using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// Content-addressed objects: the bytes whose SHA-256 is <c>abcdef…</c> live read-only at
/// <c>objects/ab/cdef…</c>. Written once, atomically (temporary file, fsync, rename), never modified.
/// </summary>
public sealed class ObjectStore
{
    private readonly IFileSystem _fs;
    private readonly string _root;
    private int _dirty;

    public ObjectStore(IFileSystem fileSystem, string root)
    {
        _fs = fileSystem;
        _root = root;
    }

    /// <summary>Path of an object (whether or not it exists).</summary>
    public string PathOf(ContentHash hash) => $"{_root}/{hash.Hex[..2]}/{hash.Hex[2..]}";

    /// <summary>True when the object is in the store.</summary>
    public bool Contains(ContentHash hash) => _fs.Stat(PathOf(hash)) is not null;

    /// <summary>
    /// Stores bytes (unless already there) and returns their hash. The object is complete on return
    /// (a killed process leaves it whole or absent) and durable after the next <see cref="MakeDurable"/>,
    /// which state.db calls before every commit.
    /// </summary>
    public ContentHash Put(ReadOnlySpan<byte> content)
    {
        var hash = ContentHash.Of(content);
        var path = PathOf(hash);
        var existing = _fs.Stat(path);
        if (existing is { } stat && stat.Size == content.Length) return hash;
        _fs.CreateDirectory($"{_root}/{hash.Hex[..2]}", privateMode: true);
        _fs.WriteAtomically(path, content, readOnly: true, durable: false);
        Volatile.Write(ref _dirty, 1);
        return hash;
    }

    /// <summary>Flushes objects written since the last call to the disk (one syncfs for the batch).</summary>
    public void MakeDurable()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 1) _fs.SyncFileSystem(_root);
    }

    /// <summary>Reads an object; null when it is missing.</summary>
    public byte[]? TryRead(ContentHash hash)
    {
        var path = PathOf(hash);
        if (_fs.Stat(path) is not { } stat) return null;
        // Straight into an array of the object's size (objects never change): the output path names object is
        // 15 MB at 100,000 outputs, and a MemoryStream and its copy held it twice.
        if (stat.Size is >= 0 and <= int.MaxValue)
        {
            using var exact = _fs.OpenRead(path);
            var bytes = GC.AllocateUninitializedArray<byte>((int)stat.Size);
            if (exact.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) == bytes.Length && exact.ReadByte() < 0) return bytes;
        }
        using var stream = _fs.OpenRead(path);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Opens an object for reading.</summary>
    public Stream OpenRead(ContentHash hash) => _fs.OpenRead(PathOf(hash));

    /// <summary>Every object file (and stray temporary file) with its path, for gc.</summary>
    public IEnumerable<(string Path, string Name, long Size)> Enumerate()
    {
        foreach (var entry in _fs.Walk(_root))
        {
            var name = entry.RelativePath.Replace("/", "", StringComparison.Ordinal);
            yield return ($"{_root}/{entry.RelativePath}", name, entry.Stat.Size);
        }
    }
}
