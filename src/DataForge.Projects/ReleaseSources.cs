using DataForge.Engine.Building;
using DataForge.Engine.Hashing;

namespace DataForge.Projects;

/// <summary>
/// The private index of what a release read, <c>.dataforge/releases/VERSION.sources.tsv</c> (0600):
/// one line per source file, <c>sha256 TAB source TAB reference TAB path</c> under a header line. The
/// release manifest in Git holds only the hashes; this file lets <c>verify</c> rebuild from the same
/// files (by path and hash) and name one that changed or went by its reference and, privately, its path.
/// </summary>
public sealed class ReleaseSources
{
    private readonly List<Entry> _entries;

    private ReleaseSources(List<Entry> entries) => _entries = entries;

    /// <summary>One source file a release read.</summary>
    public sealed record Entry(string Sha256, string Source, string Reference, string Path);

    /// <summary>The files, in the order written.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>True when the private index exists (it does not on another machine's checkout).</summary>
    public bool Known => _entries.Count > 0;

    /// <summary>Writes the index of a release from the listing it was made from.</summary>
    public static void Write(PrivateZone zone, string version, OutputListing listing)
    {
        var lines = new List<string> { "sha256\tsource\treference\tpath" };
        lines.AddRange(listing.Sources.Select(s =>
            $"{s.Hash.Hex}\t{s.SourceId}\t{Engine.Building.ItemLabel.Reference($"{s.SourceId}:{s.RelativePath}")}\t{s.RelativePath.Replace('\t', ' ')}"));
        PrivateZone.WritePrivate(zone.ReleaseSources(version), string.Join('\n', lines) + "\n");
    }

    /// <summary>The index of a release; empty when the private file is gone.</summary>
    public static ReleaseSources Read(PrivateZone zone, string version)
    {
        var path = zone.ReleaseSources(version);
        var entries = new List<Entry>();
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var parts = line.Split('\t');
                if (parts.Length >= 4) entries.Add(new Entry(parts[0], parts[1], parts[2], parts[3]));
            }
        return new ReleaseSources(entries);
    }

    /// <summary>sha256 -> item reference of the first source file with that content.</summary>
    public string? ReferenceOf(string sha256) => _entries.FirstOrDefault(e => e.Sha256 == sha256)?.Reference;

    /// <summary>The entries of a recorded content.</summary>
    public IEnumerable<Entry> Of(string source, string sha256) => _entries.Where(e => e.Source == source && e.Sha256 == sha256);

    /// <summary>
    /// The filter a release's rebuild reads a source through: with the private index, the paths the
    /// release read (a file changed since is read, so the rebuild shows which outputs it changes; files
    /// added since are not); without it, any file whose content the release recorded.
    /// </summary>
    public Func<string, ContentHash, bool> PinFor(string sourceId, IEnumerable<string> recordedHashes)
    {
        if (Known)
        {
            var paths = _entries.Where(e => e.Source == sourceId).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            return (path, _) => paths.Contains(path);
        }
        var hashes = recordedHashes.ToHashSet(StringComparer.Ordinal);
        return (_, hash) => hashes.Contains(hash.Hex);
    }
}
