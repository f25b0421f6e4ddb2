using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Removes store objects that neither the current build (the actions its slots point at, the output
/// folder) nor any registered root (a release) references, forgets the actions that pointed at
/// them, clears temporary files a killed build left, and removes the damaged copies builds and fsck moved to
/// <c>.dataforge/damaged/</c> (nothing reads them: each was made again, and fsck named them when it found them).
/// Runs under the build lock. With a shared store (see <see cref="SharedStore"/>), this project's roots are written
/// first, then, with the store's lock held alone, the objects that no project's roots name are removed.
/// </summary>
internal sealed class GarbageCollector(IFileSystem fs, StateDatabase db, ObjectStore objects, string damagedFolder)
{
    /// <summary>The store folder shared with other projects, or null.</summary>
    public SharedStore? Shared { get; init; }

    /// <summary>With <see cref="Shared"/>: what this project holds there (asked after its own actions are forgotten).</summary>
    public Func<HashSet<string>>? SharedRoots { get; init; }

    /// <summary>With <see cref="Shared"/>: takes its lock exclusively (null when busy and not waiting).</summary>
    public Func<IDisposable?>? LockStore { get; init; }

    public GcResult Collect()
    {
        var forgotten = db.ForgetUnreferencedActions();
        db.Names.KeepOnly(db.ReferencedPathHashes());
        db.SaveNames(objects);
        if (Shared is null)
        {
            var live = db.LiveObjects();
            live.UnionWith(db.Names.StoredShards.Select(shard => shard.Hex));
            return Sweep(live, forgotten);
        }
        Shared.WriteRoots(SharedRoots!());
        // This project's roots now name everything its state.db records, also what a killed build of it recorded.
        Shared.MarkFinished();
        using var alone = LockStore!();
        if (alone is null) return new GcResult(BuildOutcome.LockBusy, 0, 0, forgotten, 0, 0);
        if (Shared.Unfinished() is { Count: > 0 } unfinished)
            return new GcResult(BuildOutcome.Completed, 0, 0, forgotten, 0, 0)
            {
                NotSwept = $"the last build of {unfinished.Count} other project(s) on the shared store did not finish " +
                           $"(roots/{string.Join(", roots/", unfinished.Select(id => id + ".unfinished"))}), so the objects it made may not be in its roots yet: " +
                           "nothing was removed from the shared store. Build those projects again (or run gc in them), or delete their marks if they are gone for good",
            };
        // No build of any project runs now: every object one of them made is named by its roots file.
        HashSet<string> held;
        try
        {
            held = Shared.ReadAllRoots();
        }
        catch (InvalidDataException e)
        {
            return new GcResult(BuildOutcome.Completed, 0, 0, forgotten, 0, 0) { NotSwept = e.Message };
        }
        return Sweep(held, forgotten);
    }

    private GcResult Sweep(HashSet<string> live, int forgotten)
    {
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
