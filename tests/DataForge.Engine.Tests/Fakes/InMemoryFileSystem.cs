using System.Collections.Concurrent;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine.Tests.Fakes;

/// <summary>
/// A file system in memory for engine tests: files with content, mtime and inode; every content read
/// is counted, per path, so a test can say "a no-op build reads no file content".
/// </summary>
public sealed class InMemoryFileSystem : IFileSystem
{
    private sealed record Node(byte[] Content, long MtimeNs, long Inode, bool ReadOnly);

    private readonly ConcurrentDictionary<string, Node> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _stats = new(StringComparer.Ordinal);
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _clock = 1_700_000_000_000_000_000;
    private long _nextInode = 1000;
    private int _syncs;

    /// <summary>Content reads (OpenRead calls) per path since the last <see cref="ResetReads"/>.</summary>
    public IReadOnlyDictionary<string, int> Reads => _reads;

    /// <summary>Content reads of files under a folder.</summary>
    public int ReadsUnder(string folder) => _reads.Where(r => r.Key.StartsWith(folder + "/", StringComparison.Ordinal)).Sum(r => r.Value);

    public void ResetReads() => _reads.Clear();

    /// <summary>Stat calls (Stat, StatWithLinks) of paths under a folder since the last <see cref="ResetStats"/>; walks are not counted.</summary>
    public int StatsUnder(string folder) => _stats.Where(r => r.Key.StartsWith(folder + "/", StringComparison.Ordinal)).Sum(r => r.Value);

    /// <summary>Stat calls per path since the last <see cref="ResetStats"/>.</summary>
    public IReadOnlyDictionary<string, int> Stats => _stats;

    public void ResetStats() => _stats.Clear();

    /// <summary>Creates or overwrites a file (new mtime; same inode when overwriting).</summary>
    public void Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    public void Write(string path, byte[] content)
    {
        var inode = _files.TryGetValue(path, out var old) ? old.Inode : Interlocked.Increment(ref _nextInode);
        _files[path] = new Node(content, Tick(), inode, false);
    }

    /// <summary>
    /// While frozen, every write stamps the same mtime, as a coarse file-system clock does for writes
    /// within one tick (the racy-clean case: a same-size rewrite keeps the whole stat).
    /// </summary>
    public bool ClockFrozen { get; set; }

    private long Tick() => ClockFrozen ? Volatile.Read(ref _clock) : Interlocked.Add(ref _clock, 1000);

    /// <summary>Renames a file keeping its inode and mtime, as rename(2) does.</summary>
    public void Rename(string from, string to)
    {
        if (!_files.TryRemove(from, out var node)) throw new FileNotFoundException(from);
        _files[to] = node;
    }

    /// <summary>Changes a file's mtime only.</summary>
    public void Touch(string path) => _files[path] = _files[path] with { MtimeNs = Interlocked.Add(ref _clock, 1000) };

    public bool Exists(string path) => _files.ContainsKey(path);

    public string ReadText(string path) => System.Text.Encoding.UTF8.GetString(_files[path].Content);

    /// <summary>Files under a folder, relative paths sorted.</summary>
    public IReadOnlyList<string> FilesUnder(string folder) =>
        _files.Keys.Where(k => k.StartsWith(folder + "/", StringComparison.Ordinal)).Select(k => k[(folder.Length + 1)..]).Order(StringComparer.Ordinal).ToList();

    public void Delete(string path) => _files.TryRemove(path, out _);

    public IEnumerable<FileEntry> Walk(string root)
    {
        var prefix = root.TrimEnd('/') + "/";
        return _files.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => new FileEntry(f.Key[prefix.Length..], StatOf(f.Value)))
            .OrderBy(e => e.RelativePath, StringComparer.Ordinal).ToList();
    }

    public FileStat? Stat(string path)
    {
        _stats.AddOrUpdate(path, 1, (_, n) => n + 1);
        return _files.TryGetValue(path, out var node) ? StatOf(node) : null;
    }

    /// <summary>Links are modelled: <see cref="CloneFile"/> with a hard link shares the source's node (its inode), and every path holding that inode counts.</summary>
    public FileStat? StatWithLinks(string path, out int links)
    {
        _stats.AddOrUpdate(path, 1, (_, n) => n + 1);
        links = 0;
        if (!_files.TryGetValue(path, out var node)) return null;
        links = _files.Values.Count(n => n.Inode == node.Inode);
        return StatOf(node);
    }

    /// <summary>Makes reads of a file fail with an IOException, as a permission or media error would.</summary>
    public void MakeUnreadable(string path)
    {
        lock (_gate) _unreadable.Add(path);
    }

    public Stream OpenRead(string path)
    {
        lock (_gate)
            if (_unreadable.Contains(path)) throw new IOException("simulated read error");
        if (!_files.TryGetValue(path, out var node)) throw new FileNotFoundException(path);
        _reads.AddOrUpdate(path, 1, (_, n) => n + 1);
        return new MemoryStream(node.Content, writable: false);
    }

    public void CreateDirectory(string path, bool privateMode)
    {
        lock (_gate) _folders.Add(path);
    }

    public void SyncFileSystem(string path) => Interlocked.Increment(ref _syncs);

    /// <summary>How many times the engine asked for a file-system flush.</summary>
    public int Syncs => Volatile.Read(ref _syncs);

    public void WriteAtomically(string path, ReadOnlySpan<byte> content, bool readOnly, bool durable = true)
    {
        FailIfFull(path);
        _files[path] = new Node(content.ToArray(), Tick(), Interlocked.Increment(ref _nextInode), readOnly);
    }

    /// <summary>True when the file was written read-only (0444).</summary>
    public bool IsReadOnly(string path) => _files[path].ReadOnly;

    public MaterialisedAs CloneFile(string source, string target, OutputLinkMode mode, ContentHash? expected)
    {
        FailIfFull(target);
        if (!_files.TryGetValue(source, out var node)) throw new FileNotFoundException(source);
        if (expected is { } hash && ContentHash.Of(node.Content) != hash) throw new DamagedObjectException(hash);
        if (mode == OutputLinkMode.Hardlink)
        {
            _files[target] = node;
            return MaterialisedAs.Hardlink;
        }
        // No clone here: a reflink falls back to a copy, as on ext4 or tmpfs.
        _files[target] = new Node(node.Content.ToArray(), Tick(), Interlocked.Increment(ref _nextInode), false);
        return MaterialisedAs.Copy;
    }

    /// <summary>
    /// Writes into a file in place, as a program that opens it for writing does (root ignores 0444): every path that
    /// shares its inode (a hard link) sees the new bytes and mtime.
    /// </summary>
    public void WriteThrough(string path, byte[] content)
    {
        var inode = _files[path].Inode;
        var now = Tick();
        foreach (var (other, node) in _files.ToList())
            if (node.Inode == inode) _files[other] = node with { Content = content, MtimeNs = now };
    }

    /// <summary>Paths under these folders refuse writes with ENOSPC, as a full file system does.</summary>
    public HashSet<string> FullFolders { get; } = new(StringComparer.Ordinal);

    private void FailIfFull(string path)
    {
        lock (_gate)
            if (FullFolders.Any(f => path.StartsWith(f + "/", StringComparison.Ordinal)))
                throw new IOException("No space left on device", 28);
    }

    public void Move(string from, string to)
    {
        FailIfFull(to);
        Rename(from, to);
    }

    public void DeleteFile(string path) => _files.TryRemove(path, out _);

    public void DeleteEmptyFoldersUpwards(string folder, string stopAt) { }

    public IDisposable? TryLock(string path, string owner)
    {
        lock (_gate)
        {
            if (!_locks.Add(path)) return null;
            _files[path + ".owner"] = new Node(System.Text.Encoding.UTF8.GetBytes(owner), _clock, 1, false);
            return new Release(this, path);
        }
    }

    public string? ReadLockOwner(string path) => _files.TryGetValue(path + ".owner", out var node) ? System.Text.Encoding.UTF8.GetString(node.Content) : null;

    private static FileStat StatOf(Node node) => new(node.Content.Length, node.MtimeNs, node.Inode);

    private sealed class Release(InMemoryFileSystem fs, string path) : IDisposable
    {
        public void Dispose()
        {
            lock (fs._gate) fs._locks.Remove(path);
        }
    }
}
