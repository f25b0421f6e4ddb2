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
    /// Indexes one source: every file, in walk order (made when first asked: a no-op build never asks), and those not
    /// <see cref="SourceFile.Unchanged"/>; <paramref name="record"/> writes the stat cache (a build) or leaves it (status).
    /// <paramref name="clockNow"/>: the file system's time before the walk began (a build), recorded
    /// with the rows as the next build's racy-clean threshold.
    /// </summary>
    public (IndexedFiles Files, List<SourceFile> Changed, IndexReport Report) Index(SourceSpec source, IReadOnlyList<string> skipFolders,
        bool record, int jobs, CancellationToken cancellationToken, long? clockNow = null)
    {
        // The walk (system calls, on the cores) runs while this thread loads the stat cache (SQLite rows into a
        // dictionary): on a no-op build of 100,000 files these were two phases of about 0.25 and 0.17 s one after
        // the other. Only the file system is touched by the walk; state.db stays on this thread.
        var walk = Task.Run(() => fileSystem.Walk(source.Root).ToArray(), cancellationToken);
        StatCache cached;
        long racyFrom;
        try
        {
            cached = database.LoadStatCache(source.Id);
            // No clock recorded (a stat cache written before the rule): every row is racy once.
            racyFrom = long.TryParse(database.GetMeta(ClockKey(source.Id)), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var recorded) ? recorded : long.MinValue;
        }
        catch
        {
            // Not left running behind a failed read of state.db (its own failure, if any, is the read's to report).
            try { walk.Wait(CancellationToken.None); } catch (Exception) { }
            throw;
        }
        // Renames are looked up by stat only when a path is new; most builds have none.
        Dictionary<FileStat, ContentHash>? byStat = null;
        Dictionary<FileStat, ContentHash> ByStat()
        {
            if (byStat is not null) return byStat;
            byStat = new Dictionary<FileStat, ContentHash>(cached.Count);
            for (var row = 0; row < cached.Count; row++)
                if (cached.Stat(row) is { Inode: not 0 } stat && stat.MtimeNs < racyFrom) byStat.TryAdd(stat, cached.Hash(row));
            return byStat;
        }
        clock?.Mark("index: load stat cache");

        var prefix = source.Root + "/";
        var skip = skipFolders.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f[prefix.Length..] + "/").ToArray();

        // Per walked file, in walk order (plain arrays: generic lists over this assembly's structs would run unoptimised code):
        // its stat-cache row (-1 when its path is new), the hash it has unless re-hashed, and how it was found.
        var entries = walk.GetAwaiter().GetResult();
        var rows = new int[entries.Length];
        Array.Fill(rows, -1);
        var known = new ContentHash[entries.Length];
        var kinds = new Found[entries.Length];
        int added = 0, changed = 0, renamed = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = entries[i].RelativePath;
            if (!source.Contains(path) || IsUnder(path, skip)) { kinds[i] = Found.Outside; continue; }
            var stat = entries[i].Stat;
            if (cached.Find(path) is var row and >= 0)
            {
                rows[i] = row;
                known[i] = cached.Hash(row);
                // A stat the cache cannot vouch for (racy): re-hashed, and compared with the row's hash.
                if (cached.Stat(row) == stat) { kinds[i] = stat.MtimeNs >= racyFrom ? Found.Racy : Found.Trusted; continue; }
                changed++;
                kinds[i] = Found.ToHash;
            }
            else if (stat.Inode != 0 && ByStat().TryGetValue(stat, out var moved))
            {
                renamed++;
                known[i] = moved;
                kinds[i] = Found.Renamed;
            }
            else
            {
                added++;
                kinds[i] = Found.ToHash;
            }
        }

        // Files come out in walk order (a no-op build never needs them sorted; the build sorts them when it plans);
        // the files to hash go in path order, so the stat cache's rows are written in primary-key order.
        clock?.Mark("index: walk");
        var hashes = new ContentHash[entries.Length];
        var failures = new UnreadableFile?[entries.Length];
        long bytes = 0;
        var toHash = new List<int>();
        for (var i = 0; i < entries.Length; i++)
            if (kinds[i] is Found.ToHash or Found.Racy) toHash.Add(i);
        toHash.Sort((a, b) => string.CompareOrdinal(entries[a].RelativePath, entries[b].RelativePath));
        Parallel.ForEach(toHash, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, i =>
        {
            var full = $"{prefix}{entries[i].RelativePath}";
            try
            {
                hashes[i] = fileSystem.HashFile(full, entries[i].Stat.Size);
                Interlocked.Add(ref bytes, entries[i].Stat.Size);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures[i] = new UnreadableFile(source.Id, entries[i].RelativePath, $"cannot be read ({e.GetType().Name})");
            }
        });

        clock?.Mark("index: hash");
        // The files that belong to the source, by walk index; each one's hash is in hashes and whether it is unchanged in
        // unchangedAt. Their SourceFile objects (about 100 bytes each) are made only when the build plans.
        var kept = new int[entries.Length];
        var keptCount = 0;
        var unchangedAt = new bool[entries.Length];
        var changedFiles = new List<SourceFile>();
        var keptRows = 0;
        var write = new List<(string Path, FileRecord Row)>();
        for (var i = 0; i < entries.Length; i++)
        {
            var kind = kinds[i];
            if (kind == Found.Outside || failures[i] is not null) continue;
            var entry = entries[i];
            var hash = kind is Found.Trusted or Found.Renamed ? known[i] : hashes[i];
            // A pinned source (a release's rebuild, a DICOMweb cache) reads only what it pinned: anything else is as if
            // absent, and is not counted as added, changed or renamed either (else a cache holding instances a narrower
            // query no longer pins would look changed to every status).
            if (source.Pin is { } pin && !pin(entry.RelativePath, hash))
            {
                if (kind == Found.Renamed) renamed--;
                else if (kind == Found.ToHash && rows[i] < 0) added--;
                else if (kind == Found.ToHash) changed--;
                continue;
            }
            // Re-hashed with a row to compare: a different hash is a change (a changed stat was counted in the walk).
            if (kind == Found.Racy && hash != known[i]) changed++;
            var row = rows[i];
            if (row >= 0) keptRows++;
            hashes[i] = hash;
            kept[keptCount++] = i;
            unchangedAt[i] = row >= 0 && cached.Hash(row) == hash && cached.Stat(row).Size == entry.Stat.Size;
            if (!unchangedAt[i]) changedFiles.Add(new SourceFile(source.Id, entry.RelativePath, prefix, entry.Stat, hash));
            // A row to write: a new or changed stat, or a re-hash that found other content.
            if (record && (kind is Found.ToHash or Found.Renamed || (kind == Found.Racy && hash != known[i])))
                write.Add((entry.RelativePath, new FileRecord(entry.Stat, hash)));
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
            var present = new HashSet<string>(keptCount, StringComparer.Ordinal);
            for (var k = 0; k < keptCount; k++) present.Add(entries[kept[k]].RelativePath);
            // Rows come in primary-key order, as they are deleted.
            for (var row = 0; row < cached.Count; row++)
            {
                var path = cached.Path(row);
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
            Files = keptCount,
            Hashed = toHash.Count,
            BytesHashed = bytes,
            Renamed = renamed,
            Added = added,
            Changed = changed,
            Removed = removed,
            Unreadable = failures.OfType<UnreadableFile>().ToList(),
        };
        var files = new IndexedFiles(keptCount, () =>
        {
            var list = new List<SourceFile>(keptCount);
            for (var k = 0; k < keptCount; k++)
            {
                var i = kept[k];
                list.Add(new SourceFile(source.Id, entries[i].RelativePath, prefix, entries[i].Stat, hashes[i]) { Unchanged = unchangedAt[i] });
            }
            return list;
        });
        return (files, changedFiles, report);
    }

    private static bool IsUnder(string path, string[] folders)
    {
        foreach (var folder in folders)
            if (path.StartsWith(folder, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>How the walk found a file (see <see cref="Index"/>).</summary>
    private enum Found : byte
    {
        /// <summary>Its stat is its row's, older than the row's clock: the row's hash holds.</summary>
        Trusted,
        /// <summary>Its stat is its row's but not older than the clock: re-hashed and compared.</summary>
        Racy,
        /// <summary>A new path whose stat is another path's row: that row's hash.</summary>
        Renamed,
        /// <summary>New, or its stat changed: hashed.</summary>
        ToHash,
        /// <summary>Not in the source (excluded, or under the store or output folder).</summary>
        Outside,
    }
}
