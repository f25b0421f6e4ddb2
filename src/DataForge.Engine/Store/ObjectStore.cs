using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// Content-addressed objects: the bytes whose SHA-256 is <c>abcdef…</c> live read-only at
/// <c>objects/ab/cdef…</c>. Written once, atomically (temporary file, fsync, rename), never modified. Files are 0444
/// in 0700 folders; a root process (or a hard link written through) can still change one, so an object is re-hashed
/// before it is published again unless this process wrote it (<see cref="WrittenHere"/>), and one that no longer hashes
/// to its name is moved aside (<see cref="MoveAside"/>).
/// </summary>
public sealed class ObjectStore
{
    private readonly IFileSystem _fs;
    private readonly string _root;
    private int _dirty;
    private readonly bool[] _folderMade = new bool[256];
    /// <summary>
    /// Objects this instance wrote (<see cref="WrittenHere"/>), under their own lock: a set holds each hash in its entry,
    /// where a concurrent dictionary's node was an object of about 70 bytes (two per item of a first build).
    /// </summary>
    private readonly HashSet<ContentHash> _written = [];

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
        var hex = hash.Hex;
        var folder = $"{_root}/{hex[..2]}";
        var path = $"{folder}/{hex[2..]}";
        var existing = _fs.Stat(path);
        if (existing is { } stat && stat.Size == content.Length) return hash;
        var bytes = content.Length;
        // Each of the 256 folders is made (or found) once per store: a Directory.Exists per object was one stat more.
        var shard = int.Parse(hex.AsSpan(0, 2), System.Globalization.NumberStyles.HexNumber);
        if (!Volatile.Read(ref _folderMade[shard])) MakeFolder(folder, shard);
        try
        {
            WriteObject(path, content, bytes);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed since (gc removes empty folders): made again, written again.
            MakeFolder(folder, shard);
            WriteObject(path, content, bytes);
        }
        lock (_written) _written.Add(hash);
        Volatile.Write(ref _dirty, 1);
        return hash;
    }

    private void MakeFolder(string folder, int shard)
    {
        StorageException.Guard(StorageArea.Store, () => _fs.CreateDirectory(folder, privateMode: true));
        Volatile.Write(ref _folderMade[shard], true);
    }

    private void WriteObject(string path, ReadOnlySpan<byte> content, long bytes)
    {
        try
        {
            _fs.WriteAtomically(path, content, readOnly: true, durable: false);
        }
        catch (Exception e) when (e is not StorageException && StorageException.Classify(e) is { } problem)
        {
            long? shortBy = problem == StorageProblem.NoSpace && StorageException.FreeBytes(_root) is { } free ? Math.Max(bytes - free, 1) : null;
            throw new StorageException(StorageArea.Store, problem, shortBy, e);
        }
    }

    /// <summary>True when this instance wrote the object (from bytes it hashed itself): no need to re-hash it.</summary>
    public bool WrittenHere(ContentHash hash)
    {
        lock (_written) return _written.Contains(hash);
    }

    /// <summary>Whether an object is there and its bytes hash to its name (reads it whole).</summary>
    public ObjectCondition Check(ContentHash hash)
    {
        var path = PathOf(hash);
        if (_fs.Stat(path) is not { } stat) return ObjectCondition.Missing;
        try
        {
            return _fs.HashFile(path, stat.Size) == hash ? ObjectCondition.Intact : ObjectCondition.Damaged;
        }
        catch (FileNotFoundException)
        {
            return ObjectCondition.Missing;
        }
    }

    /// <summary>
    /// Moves a damaged object out of the store into <paramref name="damagedFolder"/> (named by the hash it should have),
    /// so that it is never served again and the next write of those bytes makes it anew. Returns where it went.
    /// </summary>
    public string MoveAside(ContentHash hash, string damagedFolder)
    {
        _fs.CreateDirectory(damagedFolder, privateMode: true);
        var to = $"{damagedFolder}/{hash.Hex}";
        _fs.Move(PathOf(hash), to);
        lock (_written) _written.Remove(hash);
        return to;
    }

    /// <summary>
    /// Flushes objects written since the last call to the disk (one syncfs for the batch). A caller that comes while
    /// another's syncfs runs waits for it: returning at once would vouch for objects not yet on the disk.
    /// </summary>
    public void MakeDurable()
    {
        lock (_durable)
            if (Interlocked.Exchange(ref _dirty, 0) == 1) _fs.SyncFileSystem(_root);
    }

    private readonly Lock _durable = new();

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

    /// <summary>Opens an object for reading (a <see cref="WrittenObjectStream"/> when this process stored it).</summary>
    public Stream OpenRead(ContentHash hash)
    {
        var stream = _fs.OpenRead(PathOf(hash));
        // Marked when this process stored it (hashed from memory as it was written): a stage's read need not hash it again.
        return WrittenHere(hash) ? new WrittenObjectStream(stream) : stream;
    }

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
