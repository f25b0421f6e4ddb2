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
        // Renames are looked up by stat only when a path is new; most builds have none.
        Dictionary<FileStat, ContentHash>? byStat = null;
        Dictionary<FileStat, ContentHash> ByStat()
        {
            if (byStat is not null) return byStat;
            byStat = new Dictionary<FileStat, ContentHash>(cached.Count);
            foreach (var row in cached.Values)
                if (row.Stat.Inode != 0 && row.Stat.MtimeNs < racyFrom) byStat.TryAdd(row.Stat, row.Hash);
            return byStat;
        }
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
            if (!source.Contains(path) || IsUnder(path, skip)) continue;
            if (cached.TryGetValue(path, out var row))
            {
                if (row.Stat == entry.Stat)
                {
                    found.Add((entry, row.Hash, false, row.Stat.MtimeNs >= racyFrom));
                    continue;
                }
                changed++;
            }
            else if (entry.Stat.Inode != 0 && ByStat().TryGetValue(entry.Stat, out var moved))
            {
                renamed++;
                found.Add((entry, moved, true, false));
                continue;
            }
            else added++;
            found.Add((entry, null, false, false));
        }

        // Files come out in walk order (a no-op build never needs them sorted; the build sorts them when it plans);
        // the files to hash go in path order, so the stat cache's rows are written in primary-key order.
        clock?.Mark("index: walk");
        var hashes = new ContentHash?[found.Count];
        var failures = new UnreadableFile?[found.Count];
        long bytes = 0;
        var toHash = new List<int>();
        for (var i = 0; i < found.Count; i++)
            if (found[i].Hash is null || found[i].Racy) toHash.Add(i);
        toHash.Sort((a, b) => string.CompareOrdinal(found[a].Entry.RelativePath, found[b].Entry.RelativePath));
        Parallel.ForEach(toHash, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, i =>
        {
            var full = $"{prefix}{found[i].Entry.RelativePath}";
            try
            {
                hashes[i] = fileSystem.HashFile(full, found[i].Entry.Stat.Size);
                Interlocked.Add(ref bytes, found[i].Entry.Stat.Size);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures[i] = new UnreadableFile(source.Id, found[i].Entry.RelativePath, $"cannot be read ({e.GetType().Name})");
            }
        });

        clock?.Mark("index: hash");
        var files = new List<SourceFile>(found.Count);
        var keptRows = 0;
        var write = new List<(string Path, FileRecord Row)>();
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
            if (!wasRenamed && (known is not null || cached.ContainsKey(entry.RelativePath))) keptRows++;
            files.Add(new SourceFile(source.Id, entry.RelativePath, $"{prefix}{entry.RelativePath}", entry.Stat, hash.Value)
            {
                Unchanged = cached.TryGetValue(entry.RelativePath, out var before) && before.Hash == hash.Value && before.Stat.Size == entry.Stat.Size,
            });
            if (record && (known is null || wasRenamed) && !(racy && hash == found[i].Hash))
                write.Add((entry.RelativePath, new FileRecord(entry.Stat, hash.Value)));
        }
        if (record)
        {
            write.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            foreach (var (path, row) in write) database.PutFile(source.Id, path, row);
        }
        // Every row whose file is still here was counted in keptRows; only when some are not is there anything to remove.
        var removed = 0;
        if (keptRows < cached.Count)
        {
            var present = files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
            foreach (var path in cached.Keys.Order(StringComparer.Ordinal))
            {
                if (present.Contains(path)) continue;
                removed++;
                if (record) database.DeleteFile(source.Id, path);
            }
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

    private static bool IsUnder(string path, string[] folders)
    {
        foreach (var folder in folders)
            if (path.StartsWith(folder, StringComparison.Ordinal)) return true;
        return false;
    }
}
