using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Sources;
using DataForge.Engine.Store;

namespace DataForge.Engine.Indexing;

/// <summary>
/// Walks a source and gives every file's content hash, reading a file only when the stat cache
/// cannot vouch for it: a file whose (size, mtime ns, inode) equal the cached row keeps its hash,
/// and so does a renamed file (same inode, size and mtime under a new path). The rest are hashed
/// in parallel, streamed.
/// Racily clean files (git's rule): a file can be rewritten with the same size within one tick of the
/// file system's clock after it was hashed, keeping its stat. So the stat cache remembers, per source,
/// the file system's time when the walk that wrote it began (meta 'stat-clock:SOURCE', the mtime of a
/// file written just then); a row whose mtime is not older than that is re-hashed instead of trusted.
/// A re-hash that finds the same content is not a change.
/// </summary>
internal sealed class Indexer(IFileSystem fileSystem, StateDatabase database, Building.PhaseClock? clock = null)
{
    /// <summary>Meta key of a source's stat-cache clock (see the type's summary).</summary>
    public static string ClockKey(string sourceId) => $"stat-clock:{sourceId}";

    /// <summary>
    /// Indexes one source; <paramref name="record"/> writes the stat cache (a build) or leaves it (status).
    /// <paramref name="clockNow"/>: the file system's time before the walk began (a build), recorded
    /// with the rows as the next build's racy-clean threshold.
    /// </summary>
    public (List<SourceFile> Files, IndexReport Report) Index(SourceSpec source, IReadOnlyList<string> skipFolders,
        bool record, int jobs, CancellationToken cancellationToken, long? clockNow = null)
    {
        var cached = database.LoadFiles(source.Id);
        // No clock recorded (a stat cache written before the rule): every row is racy once.
        var racyFrom = long.TryParse(database.GetMeta(ClockKey(source.Id)), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out var recorded) ? recorded : long.MinValue;
        var byStat = new Dictionary<FileStat, ContentHash>();
        foreach (var row in cached.Values)
            if (row.Stat.Inode != 0 && row.Stat.MtimeNs < racyFrom) byStat.TryAdd(row.Stat, row.Hash);
        clock?.Mark("index: load stat cache");

        var prefix = source.Root + "/";
        var skip = skipFolders.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f[prefix.Length..] + "/").ToArray();

        // Racy: the stat matches a row the cache cannot vouch for; Hash then holds the row's hash, to compare.
        var found = new List<(FileEntry Entry, ContentHash? Hash, bool Renamed, bool Racy)>();
        int added = 0, changed = 0, renamed = 0;
        foreach (var entry in fileSystem.Walk(source.Root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = entry.RelativePath;
            if (!source.Contains(path) || skip.Any(s => path.StartsWith(s, StringComparison.Ordinal))) continue;
            if (cached.TryGetValue(path, out var row))
            {
                if (row.Stat == entry.Stat)
                {
                    found.Add((entry, row.Hash, false, row.Stat.MtimeNs >= racyFrom));
                    continue;
                }
                changed++;
            }
            else if (entry.Stat.Inode != 0 && byStat.TryGetValue(entry.Stat, out var moved))
            {
                renamed++;
                found.Add((entry, moved, true, false));
                continue;
            }
            else added++;
            found.Add((entry, null, false, false));
        }

        // Path order: the stat cache's rows are then written in primary-key order, and the files come out sorted.
        clock?.Mark("index: walk");
        found.Sort((a, b) => string.CompareOrdinal(a.Entry.RelativePath, b.Entry.RelativePath));
        var hashes = new ContentHash?[found.Count];
        var failures = new UnreadableFile?[found.Count];
        long bytes = 0;
        var toHash = Enumerable.Range(0, found.Count).Where(i => found[i].Hash is null || found[i].Racy).ToList();
        Parallel.ForEach(toHash, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, i =>
        {
            var full = $"{prefix}{found[i].Entry.RelativePath}";
            try
            {
                using var stream = fileSystem.OpenRead(full);
                hashes[i] = ContentHash.Of(stream);
                Interlocked.Add(ref bytes, found[i].Entry.Stat.Size);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures[i] = new UnreadableFile(source.Id, found[i].Entry.RelativePath, $"cannot be read ({e.GetType().Name})");
            }
        });

        clock?.Mark("index: hash");
        var files = new List<SourceFile>(found.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < found.Count; i++)
        {
            var (entry, known, wasRenamed, racy) = found[i];
            if (racy)
            {
                // Re-hashed: a different hash is a change; an unreadable file is a failure like any other.
                if (hashes[i] != known) changed++;
                known = null;
            }
            var hash = known ?? hashes[i];
            if (hash is null) continue;
            seen.Add(entry.RelativePath);
            files.Add(new SourceFile(source.Id, entry.RelativePath, $"{prefix}{entry.RelativePath}", entry.Stat, hash.Value));
            if (record && (known is null || wasRenamed) && !(racy && hash == found[i].Hash))
                database.PutFile(source.Id, entry.RelativePath, new FileRecord(entry.Stat, hash.Value));
        }
        var removed = 0;
        foreach (var path in cached.Keys)
        {
            if (seen.Contains(path)) continue;
            removed++;
            if (record) database.DeleteFile(source.Id, path);
        }
        if (record)
        {
            // In the same transaction as the rows it vouches for.
            if (clockNow is { } now) database.SetMeta(ClockKey(source.Id), now.ToString(System.Globalization.CultureInfo.InvariantCulture));
            database.Commit();
        }

        var report = new IndexReport
        {
            Files = files.Count,
            Hashed = toHash.Count,
            BytesHashed = bytes,
            Renamed = renamed,
            Added = added,
            Changed = changed,
            Removed = removed,
            Unreadable = failures.OfType<UnreadableFile>().ToList(),
        };
        return (files, report);
    }
}
