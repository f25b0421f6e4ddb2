using System.Collections.Concurrent;
using System.Text;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// Output paths are chosen by stages and may be derived from content (a series UID in a folder
/// name), so state.db stores only their hashes; the names live here, as one object in the private
/// store. Format (version 1): UTF-8 text, first line <c>dataforge-path-names 1</c>, then one line
/// per path, sorted: 64 hex digits of <see cref="HashOf"/>, a tab, the path. state.db's
/// <c>meta.names</c> names the current object. A hash whose name was lost (a build killed before
/// it saved the names) makes the action that used it run again.
/// </summary>
public sealed class PathNames
{
    private const string Header = "dataforge-path-names 1";

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private int _added;

    /// <summary>
    /// The stored object, its lines not parsed yet (see <see cref="Parse"/>); null once parsed. <see cref="Find"/>, and
    /// <see cref="Add"/> of a path already named, are answered from it by binary search; anything else parses the lines
    /// (from <see cref="_linesFrom"/>) first.
    /// </summary>
    private byte[]? _unparsed;
    private int _linesFrom;
    private readonly Lock _parse = new();

    /// <summary>True when the stored names were parsed into a table (tests count it: a build that names no new path, or only looks names up, need not).</summary>
    public bool Parsed => Volatile.Read(ref _unparsed) is null;

    /// <summary>True when names were added since loading or saving.</summary>
    public bool Changed => Volatile.Read(ref _added) > 0;

    /// <summary>The hash under which state.db stores an output path.</summary>
    public static string HashOf(string path)
    {
        using var h = new KeyHasher("output-path/1");
        return h.Add('p', path).Finish().Hex;
    }

    /// <summary>Registers a path and returns its hash.</summary>
    public string Add(string path)
    {
        var hash = HashOf(path);
        // A path the stored object already names (its line, exactly) changes nothing: no need to parse 100,000 lines.
        if (Volatile.Read(ref _unparsed) is { } lines && Searchable(lines) && Lookup(lines.AsSpan(_linesFrom), hash) == path) return hash;
        EnsureParsed();
        if (_names.TryAdd(hash, path)) Interlocked.Increment(ref _added);
        return hash;
    }

    /// <summary>The path of a hash, or null when unknown. Answered from the stored lines while they are not parsed.</summary>
    public string? Find(string hash)
    {
        if (Volatile.Read(ref _unparsed) is { } lines && Searchable(lines)) return Lookup(lines.AsSpan(_linesFrom), hash);
        EnsureParsed();
        return _names.GetValueOrDefault(hash);
    }

    /// <summary>Keeps only the names of these hashes (gc).</summary>
    public void KeepOnly(IReadOnlySet<string> hashes)
    {
        EnsureParsed();
        foreach (var hash in _names.Keys)
            if (!hashes.Contains(hash) && _names.TryRemove(hash, out _)) Interlocked.Increment(ref _added);
    }

    /// <summary>Serialises to the format above.</summary>
    public byte[] ToBytes()
    {
        EnsureParsed();
        // Encoded line by line into one array of the exact size: at 100,000 outputs a StringBuilder, its string and
        // their UTF-8 copy held about 75 MB at once, at the end of a first build (its peak memory); this is 15 MB.
        var entries = _names.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var size = Encoding.UTF8.GetByteCount(Header) + 1;
        foreach (var (hash, path) in entries) size += Encoding.UTF8.GetByteCount(hash) + 1 + Encoding.UTF8.GetByteCount(path) + 1;
        var bytes = new byte[size];
        var at = Append(bytes, 0, Header, '\n');
        foreach (var (hash, path) in entries) at = Append(bytes, Append(bytes, at, hash, '\t'), path, '\n');
        Interlocked.Exchange(ref _added, 0);
        return bytes;
    }

    private static int Append(byte[] bytes, int at, string text, char end)
    {
        at += Encoding.UTF8.GetBytes(text, bytes.AsSpan(at));
        bytes[at] = (byte)end;
        return at + 1;
    }

    /// <summary>
    /// Reads the format above; null when its header is not that format (then nothing is trusted). The lines are
    /// parsed on first need, not here (a build that adds only paths already named never parses them); a malformed
    /// line found then drops every name, as a malformed object did when parsed at once (the actions whose output
    /// paths lost their names run again).
    /// </summary>
    public static PathNames? Parse(byte[] bytes)
    {
        var first = bytes.AsSpan().IndexOf((byte)'\n');
        if (!Encoding.UTF8.GetString(first < 0 ? bytes : bytes.AsSpan(0, first)).Equals(Header, StringComparison.Ordinal)) return null;
        // The header ends with a newline and has no tab: every line, the first too, is found as "\n" + line + "\n".
        return new PathNames { _unparsed = bytes, _linesFrom = first < 0 ? bytes.Length : first + 1 };
    }

    /// <summary>
    /// True when the stored lines are all of the format and in strictly ascending hash order, as <see cref="ToBytes"/>
    /// writes them: then a binary search finds exactly what a parse would. Checked once, in one pass that builds nothing
    /// (a few milliseconds at 100,000 lines); when false, every look-up parses, which finds the object malformed.
    /// </summary>
    private bool Searchable(byte[] lines)
    {
        var state = Volatile.Read(ref _searchable);
        if (state == 0) Volatile.Write(ref _searchable, state = SortedLines(lines.AsSpan(_linesFrom)) ? 1 : -1);
        return state > 0;
    }

    /// <summary>1: the stored lines are searchable; -1: they are not; 0: not checked yet.</summary>
    private int _searchable;

    private static bool SortedLines(ReadOnlySpan<byte> rest)
    {
        ReadOnlySpan<byte> previous = [];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            if (end < 0) return false; // every line ends with a newline
            var line = rest[..end];
            if (line.Length < 65 || line[64] != (byte)'\t' || line[..64].IndexOfAnyExcept(HexDigits) >= 0) return false;
            if (!previous.IsEmpty && line[..64].SequenceCompareTo(previous) <= 0) return false;
            previous = line[..64];
            rest = rest[(end + 1)..];
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef"u8);

    /// <summary>
    /// Binary search of searchable stored lines (see <see cref="Searchable"/>) for the line of a hash: its path, or
    /// null when no line has it. A look-up reads about 17 lines of 100,000 and parses none.
    /// </summary>
    private static string? Lookup(ReadOnlySpan<byte> lines, string hash)
    {
        Span<byte> key = stackalloc byte[64];
        if (hash.Length != 64 || Encoding.ASCII.GetBytes(hash, key) != 64) return null; // not a hash: no line has it
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

    private void EnsureParsed()
    {
        if (Volatile.Read(ref _unparsed) is null) return;
        lock (_parse)
        {
            if (_unparsed is not { } lines) return;
            if (!ParseLines(lines.AsSpan(_linesFrom), _names)) _names.Clear();
            Volatile.Write(ref _unparsed, null);
        }
    }

    /// <summary>Line by line over the bytes, no copy of the whole text; false at a line not of the format.</summary>
    private static bool ParseLines(ReadOnlySpan<byte> rest, ConcurrentDictionary<string, string> names)
    {
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty) continue;
            if (line.IndexOf((byte)'\t') != 64) return false;
            names[Encoding.UTF8.GetString(line[..64])] = Encoding.UTF8.GetString(line[65..]);
        }
        return true;
    }
}
