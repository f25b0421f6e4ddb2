using System.Buffers;
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
        if (_names.TryAdd(hash, path)) Interlocked.Increment(ref _added);
        return hash;
    }

    /// <summary>The path of a hash, or null when unknown.</summary>
    public string? Find(string hash) => _names.GetValueOrDefault(hash);

    /// <summary>Keeps only the names of these hashes (gc).</summary>
    public void KeepOnly(IReadOnlySet<string> hashes)
    {
        foreach (var hash in _names.Keys)
            if (!hashes.Contains(hash) && _names.TryRemove(hash, out _)) Interlocked.Increment(ref _added);
    }

    /// <summary>Serialises to the format above.</summary>
    public byte[] ToBytes()
    {
        // Encoded line by line into one growing buffer: at 100,000 outputs a StringBuilder, its string and
        // their UTF-8 copy held about 75 MB at once, at the end of a first build (its peak memory).
        var entries = _names.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var bytes = new ArrayBufferWriter<byte>(64 + entries.Length * 128);
        Append(bytes, Header);
        bytes.Write("\n"u8);
        foreach (var (hash, path) in entries)
        {
            Append(bytes, hash);
            bytes.Write("\t"u8);
            Append(bytes, path);
            bytes.Write("\n"u8);
        }
        Interlocked.Exchange(ref _added, 0);
        return bytes.WrittenSpan.ToArray();
    }

    private static void Append(ArrayBufferWriter<byte> bytes, string text)
    {
        var n = Encoding.UTF8.GetBytes(text, bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        bytes.Advance(n);
    }

    /// <summary>Parses the format above; null when it is not that format (then nothing is trusted). Line by line over the bytes: no copy of the whole text.</summary>
    public static PathNames? Parse(byte[] bytes)
    {
        var rest = bytes.AsSpan();
        var first = rest.IndexOf((byte)'\n');
        if (!Encoding.UTF8.GetString(first < 0 ? rest : rest[..first]).Equals(Header, StringComparison.Ordinal)) return null;
        var names = new PathNames();
        rest = first < 0 ? [] : rest[(first + 1)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty) continue;
            if (line.IndexOf((byte)'\t') != 64) return null;
            names._names[Encoding.UTF8.GetString(line[..64])] = Encoding.UTF8.GetString(line[65..]);
        }
        return names;
    }
}
