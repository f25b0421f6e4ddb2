using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Removes store objects that neither the current build (the actions its slots point at, the output
/// folder) nor any registered root (a release) references, forgets the actions that pointed at
/// them, clears temporary files a killed build left, and removes the damaged copies builds and fsck moved to
/// <c>.dataforge/damaged/</c> (nothing reads them: each was made again, and fsck named them when it found them).
/// Runs under the build lock.
/// </summary>
internal sealed class GarbageCollector(IFileSystem fs, StateDatabase db, ObjectStore objects, string damagedFolder)
{
    public GcResult Collect()
    {
        var forgotten = db.ForgetUnreferencedActions();
        db.Names.KeepOnly(db.ReferencedPathHashes());
        db.SaveNames(objects);
        var live = db.LiveObjects();
        live.UnionWith(db.Names.StoredShards.Select(shard => shard.Hex));
        int removed = 0, temps = 0, kept = 0;
        long bytes = 0;
        foreach (var (path, name, size) in objects.Enumerate().ToList())
        {
            var fileName = Path.GetFileName(path);
            if (fileName.StartsWith(".tmp-", StringComparison.Ordinal))
            {
                fs.DeleteFile(path);
                temps++;
                continue;
            }
            if (live.Contains(name)) { kept++; continue; }
            fs.DeleteFile(path);
            removed++;
            bytes += size;
        }
        var damaged = 0;
        foreach (var entry in fs.Walk(damagedFolder).ToList())
        {
            fs.DeleteFile($"{damagedFolder}/{entry.RelativePath}");
            damaged++;
        }
        return new GcResult(BuildOutcome.Completed, removed, bytes, forgotten, temps, kept) { DamagedRemoved = damaged };
    }
}
