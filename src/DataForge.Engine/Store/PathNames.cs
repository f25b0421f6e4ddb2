using System.Text;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// Output paths are chosen by stages and may be derived from content (a series UID in a folder
/// name), so state.db stores only their hashes; the names live in the private store, in 256 shards
/// by the first two hex digits of the hash, so that looking up or adding one name reads one shard
/// (about 60 KB at 100,000 outputs) and saving rewrites only the shards that changed.
/// <para>
/// Formats, UTF-8 text. A shard (version 1): first line <c>dataforge-path-names 1</c>, then one line
/// per path, sorted: 64 hex digits of <see cref="HashOf"/>, a tab, the path. The index (version 2):
/// first line <c>dataforge-path-names 2</c>, then one line per shard that holds a name, sorted: its two
/// hex digits, a tab, the shard object's 64 hex digits. state.db's <c>meta.names</c> names the index.
/// A stored object of version 1 in its place (a store written before the shards) is one shard holding
/// every name: it is parsed whole and saved as shards at the next change.
/// </para>
/// A hash whose name was lost (a build killed before it saved the names, or a shard missing or not
/// of the format) makes the action that used it run again.
/// </summary>
public sealed class PathNames
{
    private const string ShardHeader = "dataforge-path-names 1";
    private const string IndexHeader = "dataforge-path-names 2";
    private const int ShardCount = 256;
    private static readonly byte[] ShardHeaderUtf8 = Encoding.UTF8.GetBytes(ShardHeader);

    private readonly Shard[] _shards = new Shard[ShardCount];
    private readonly Func<ContentHash, byte[]?> _read;
    private readonly Lock _gate = new();

    /// <summary>An empty table (nothing stored yet).</summary>
    public PathNames() : this(_ => null) { }

    private PathNames(Func<ContentHash, byte[]?> read)
    {
        _read = read;
        for (var i = 0; i < ShardCount; i++) _shards[i] = new Shard();
    }

    /// <summary>Shards whose lines were parsed into a table (tests count them: a look-up, or adding a name already stored, parses none).</summary>
    public int ShardsParsed
    {
        get { lock (_gate) return _shards.Count(s => s.Table is not null); }
    }

    /// <summary>True when names were added or removed since loading or saving.</summary>
    public bool Changed
    {
        get { lock (_gate) return _shards.Any(s => s.Changed); }
    }

    /// <summary>The store objects the names live in (the shards; the index is <c>meta.names</c>), as last loaded or saved.</summary>
    public IReadOnlyList<ContentHash> StoredShards
    {
        get { lock (_gate) return _shards.Where(s => s.Stored is not null).Select(s => s.Stored!.Value).ToList(); }
    }

    /// <summary>The hash under which state.db stores an output path.</summary>
    public static string HashOf(string path) => DigestOf(path).Hex;

    private static ContentHash DigestOf(string path)
    {
        using var h = new KeyHasher("output-path/1");
        return h.Add('p', path).Finish();
    }

    /// <summary>Registers a path and returns its hash.</summary>
    public string Add(string path)
    {
        var digest = DigestOf(path);
        var hash = digest.Hex;
        lock (_gate)
        {
            var shard = ShardOf(hash);
            // A path its shard already names (its line, exactly) changes nothing: the shard is searched, not parsed.
            if (shard.Table is null && Lookup(shard, hash) == path) return hash;
            if (Parsed(shard).TryAdd(digest, Encoding.UTF8.GetBytes(path))) shard.Changed = true;
        }
        return hash;
    }

    /// <summary>The path of a hash, or null when unknown.</summary>
    public string? Find(string hash)
    {
        if (!IsHash(hash)) return null;
        lock (_gate)
        {
            var shard = ShardOf(hash);
            if (shard.Table is not { } table) return Lookup(shard, hash);
            return table.TryGetValue(ContentHash.Parse(hash), out var path) ? Encoding.UTF8.GetString(path) : null;
        }
    }

    /// <summary>Keeps only the names of these hashes (gc).</summary>
    public void KeepOnly(IReadOnlySet<string> hashes)
    {
        lock (_gate)
        {
            foreach (var shard in _shards)
            {
                if (shard.Stored is null && shard.Table is null) continue;
                var table = Parsed(shard);
                foreach (var hash in table.Keys.Where(h => !hashes.Contains(h.Hex)).ToList())
                {
                    table.Remove(hash);
                    shard.Changed = true;
                }
            }
        }
    }

    /// <summary>
    /// Saves the changed shards and then the index with <paramref name="put"/> (which stores an object and gives its
    /// hash) and returns the index's hash, for <c>meta.names</c>.
    /// </summary>
    public ContentHash Save(Func<byte[], ContentHash> put)
    {
        lock (_gate)
        {
            foreach (var shard in _shards)
            {
                if (!shard.Changed) continue;
                shard.Stored = shard.Table!.Count == 0 ? null : put(ShardBytes(shard.Table));
                shard.Lines = null;
                shard.Changed = false;
            }
            var index = new StringBuilder(IndexHeader).Append('\n');
            for (var i = 0; i < ShardCount; i++)
                if (_shards[i].Stored is { } stored) index.Append(i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)).Append('\t').Append(stored.Hex).Append('\n');
            return put(Encoding.UTF8.GetBytes(index.ToString()));
        }
    }

    /// <summary>
    /// The names stored under <paramref name="root"/> (the index, or a version-1 object holding every name), shards read
    /// with <paramref name="read"/> when first needed; null when the root is not of either format (then nothing is trusted).
    /// </summary>
    public static PathNames? Load(byte[] root, Func<ContentHash, byte[]?> read)
    {
        var first = root.AsSpan().IndexOf((byte)'\n');
        var header = Encoding.UTF8.GetString(first < 0 ? root : root.AsSpan(0, first));
        var names = new PathNames(read);
        if (header == ShardHeader)
        {
            // Every name in one object: parsed whole into the shards, all of them saved at the next change.
            var all = new Dictionary<ContentHash, byte[]>();
            // A line whose hash is not one (or any line not of the format): the object names nothing.
            if (!ParseLines(root.AsSpan(first < 0 ? root.Length : first + 1), all)) all.Clear();
            foreach (var shard in names._shards)
            {
                shard.Table = [];
                shard.Changed = true;
            }
            Span<byte> digest = stackalloc byte[32];
            foreach (var (hash, path) in all)
            {
                hash.CopyTo(digest);
                names._shards[digest[0]].Table![hash] = path;
            }
            return names;
        }
        if (header != IndexHeader) return null;
        foreach (var line in Encoding.UTF8.GetString(root.AsSpan(first + 1)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length != 2 + 1 + 64 || line[2] != '\t' || !int.TryParse(line.AsSpan(0, 2), System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture, out var i) || !IsHash(line[3..])) return null;
            names._shards[i].Stored = ContentHash.Parse(line[3..]);
        }
        return names;
    }

    /// <summary>A shard's bytes: the version-1 format, lines sorted by hash (a digest orders as its hex digits do).</summary>
    private static byte[] ShardBytes(Dictionary<ContentHash, byte[]> table)
    {
        var entries = table.ToArray();
        Array.Sort(entries, static (a, b) => a.Key.CompareTo(b.Key));
        var size = ShardHeaderUtf8.Length + 1;
        foreach (var (_, path) in entries) size += 64 + 1 + path.Length + 1;
        var bytes = new byte[size];
        ShardHeaderUtf8.CopyTo(bytes, 0);
        var at = ShardHeaderUtf8.Length;
        bytes[at++] = (byte)'\n';
        foreach (var (hash, path) in entries)
        {
            hash.WriteHexUtf8(bytes.AsSpan(at, 64));
            bytes[at + 64] = (byte)'\t';
            path.CopyTo(bytes, at + 65);
            at += 65 + path.Length;
            bytes[at++] = (byte)'\n';
        }
        return bytes;
    }

    private Shard ShardOf(string hash) => _shards[HexValue(hash[0]) * 16 + HexValue(hash[1])];

    private static int HexValue(char c) => c <= '9' ? c - '0' : c - 'a' + 10;

    private static bool IsHash(string text) => text.Length == 64 && text.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>
    /// The shard's stored lines, read once; null when it stores none, its object is missing, or its lines are not of the
    /// format or not in strictly ascending hash order (checked once, in one pass that builds nothing).
    /// </summary>
    private byte[]? Lines(Shard shard)
    {
        if (shard.Lines is null && shard.Stored is { } stored && !shard.Unusable)
        {
            var bytes = _read(stored);
            var first = bytes is null ? -1 : bytes.AsSpan().IndexOf((byte)'\n');
            if (bytes is not null && first >= 0 && bytes.AsSpan(0, first).SequenceEqual(ShardHeaderUtf8) && SortedLines(bytes.AsSpan(first + 1)))
            {
                shard.Lines = bytes;
                shard.LinesFrom = first + 1;
            }
            else shard.Unusable = true;
        }
        return shard.Lines;
    }

    /// <summary>The shard's table, parsed from its stored lines on first need (a shard that cannot be read names nothing).</summary>
    private Dictionary<ContentHash, byte[]> Parsed(Shard shard)
    {
        if (shard.Table is { } table) return table;
        table = [];
        if (Lines(shard) is { } lines) ParseLines(lines.AsSpan(shard.LinesFrom), table);
        else if (shard.Stored is not null) shard.Changed = true; // lost names: the next save drops the shard
        shard.Lines = null;
        return shard.Table = table;
    }

    /// <summary>Binary search of the shard's sorted stored lines for the line of a hash: its path, or null. Reads about 9 lines of 400, parses none.</summary>
    private string? Lookup(Shard shard, string hash)
    {
        if (Lines(shard) is not { } stored) return null;
        var lines = stored.AsSpan(shard.LinesFrom);
        Span<byte> key = stackalloc byte[64];
        Encoding.ASCII.GetBytes(hash, key);
        // lo and hi are always line starts (or the end): the line holding mid lies between them.
        int lo = 0, hi = lines.Length;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            var start = lines[lo..mid].LastIndexOf((byte)'\n') is var before and >= 0 ? lo + before + 1 : lo;
            var end = start + lines[start..].IndexOf((byte)'\n');
            var line = lines[start..end];
            var order = line[..64].SequenceCompareTo(key);
            if (order == 0) return Encoding.UTF8.GetString(line[65..]);
            if (order < 0) lo = end + 1;
            else hi = start;
        }
        return null;
    }

    /// <summary>True when every line ends with a newline, is a hash, a tab and a path, and the hashes strictly ascend.</summary>
    private static bool SortedLines(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> previous = [];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            if (end < 0) return false;
            var line = rest[..end];
            if (line.Length < 65 || line[64] != (byte)'\t' || line[..64].IndexOfAnyExcept(HexDigits) >= 0) return false;
            if (!previous.IsEmpty && line[..64].SequenceCompareTo(previous) <= 0) return false;
            previous = line[..64];
            rest = rest[(end + 1)..];
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef"u8);

    /// <summary>Line by line over the bytes, no copy of the whole text; false at a line not of the format (or whose hash is not 64 lower-case hex digits).</summary>
    private static bool ParseLines(ReadOnlySpan<byte> rest, Dictionary<ContentHash, byte[]> names)
    {
        Span<byte> digest = stackalloc byte[32];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty) continue;
            if (line.IndexOf((byte)'\t') != 64 || line[..64].IndexOfAnyExcept(HexDigits) >= 0) return false;
            for (var i = 0; i < 32; i++) digest[i] = (byte)(HexValue((char)line[2 * i]) << 4 | HexValue((char)line[2 * i + 1]));
            names[ContentHash.FromDigest(digest)] = line[65..].ToArray();
        }
        return true;
    }

    private sealed class Shard
    {
        /// <summary>The shard's stored object (null: it stores no name).</summary>
        public ContentHash? Stored;

        /// <summary>The stored object's bytes once read and found searchable, the lines from <see cref="LinesFrom"/>; null after parsing.</summary>
        public byte[]? Lines;

        public int LinesFrom;

        /// <summary>The stored object is missing or not of the format: the shard names nothing.</summary>
        public bool Unusable;

        /// <summary>
        /// The names, once parsed (or changed), by digest, each path as its UTF-8 bytes; null while the stored lines
        /// answer. At 100,000 outputs (a first build names them all) a digest and bytes hold a name in about 150 bytes
        /// where two strings took about 350.
        /// </summary>
        public Dictionary<ContentHash, byte[]>? Table;

        /// <summary>Names added or removed since loading or saving.</summary>
        public bool Changed;
    }
}
