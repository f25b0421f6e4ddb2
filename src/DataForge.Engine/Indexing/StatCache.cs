using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Indexing;

/// <summary>
/// A source's stat-cache rows as the index reads them: each path's UTF-8 bytes in one array, the stats and hashes in
/// two more, and an open-addressing table from a hash of the path's bytes to its row. A dictionary by path made a
/// string and a row object per file: at 100,000 files about 27 MB made (and paged in) by every no-op build, and
/// most of the stat cache's load time. A path is looked up by its UTF-8 bytes and found only when they are equal.
/// </summary>
internal sealed class StatCache
{
    private byte[] _bytes = new byte[1 << 16];
    private int _used;
    private int[] _start = new int[256];
    private FileStat[] _stats = new FileStat[256];
    private ContentHash[] _hashes = new ContentHash[256];
    private ulong[] _keys = new ulong[256];
    private int[] _table = [];
    private int _mask;

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a row (the loader gives each path once).</summary>
    public void Add(ReadOnlySpan<byte> path, FileStat stat, ContentHash hash)
    {
        // Grown with Array.Copy, not Array.Resize: a generic method of the runtime's over this assembly's structs is not
        // precompiled, and compiling it at run time cost a no-op about 9 ms.
        if (Count == _stats.Length)
        {
            var size = Count * 2;
            _start = (int[])Grown(_start, new int[size], Count);
            _stats = (FileStat[])Grown(_stats, new FileStat[size], Count);
            _hashes = (ContentHash[])Grown(_hashes, new ContentHash[size], Count);
            _keys = (ulong[])Grown(_keys, new ulong[size], Count);
        }
        if (_used + path.Length > _bytes.Length) _bytes = (byte[])Grown(_bytes, new byte[Math.Max(_bytes.Length * 2, _used + path.Length)], _used);
        path.CopyTo(_bytes.AsSpan(_used));
        _start[Count] = _used;
        _used += path.Length;
        _stats[Count] = stat;
        _hashes[Count] = hash;
        _keys[Count] = KeyOf(path);
        Count++;
    }

    private static Array Grown(Array from, Array to, int count)
    {
        Array.Copy(from, to, count);
        return to;
    }

    /// <summary>Builds the look-up table; call once, after the last <see cref="Add"/>.</summary>
    public void Seal()
    {
        var size = 16;
        while (size < Count * 2) size *= 2;
        _table = new int[size];
        _mask = size - 1;
        for (var row = 0; row < Count; row++)
        {
            var at = (int)_keys[row] & _mask;
            while (_table[at] != 0) at = (at + 1) & _mask;
            _table[at] = row + 1;
        }
    }

    /// <summary>The row of a source-relative path, or -1.</summary>
    public int Find(string path)
    {
        if (Count == 0) return -1;
        var length = Encoding.UTF8.GetMaxByteCount(path.Length);
        byte[]? rented = null;
        Span<byte> utf8 = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var bytes = utf8[..Encoding.UTF8.GetBytes(path, utf8)];
            var key = KeyOf(bytes);
            for (var at = (int)key & _mask; _table[at] != 0; at = (at + 1) & _mask)
            {
                var row = _table[at] - 1;
                if (_keys[row] == key && PathBytes(row).SequenceEqual(bytes)) return row;
            }
            return -1;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public FileStat Stat(int row) => _stats[row];

    public ContentHash Hash(int row) => _hashes[row];

    /// <summary>A row's path as text (made when asked: for the rows of files that are gone).</summary>
    public string Path(int row) => Encoding.UTF8.GetString(PathBytes(row));

    private ReadOnlySpan<byte> PathBytes(int row) => _bytes.AsSpan(_start[row], (row + 1 < Count ? _start[row + 1] : _used) - _start[row]);

    /// <summary>A 64-bit hash of a path's bytes (FNV-1a over 8-byte words, then mixed): table slots only, never trusted alone.</summary>
    private static ulong KeyOf(ReadOnlySpan<byte> bytes)
    {
        var h = 14695981039346656037UL;
        var at = 0;
        for (; at + 8 <= bytes.Length; at += 8) h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..])) * 1099511628211UL;
        for (; at < bytes.Length; at++) h = (h ^ bytes[at]) * 1099511628211UL;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        return h;
    }
}
