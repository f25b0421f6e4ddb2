using System.Collections.Concurrent;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;

namespace DataForge.Engine;

public sealed partial class BuildEngine
{
    /// <summary>
    /// Re-hashes the given store objects (e.g. every file of a release, for <c>verify</c>) and says which are damaged
    /// (bytes that no longer hash to their name) or missing. Reads only: no lock, nothing moved; a build or
    /// <see cref="CheckStore"/> moves damaged objects aside.
    /// </summary>
    public ObjectCheck CheckObjects(IEnumerable<ContentHash> hashes, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        CheckJobs(options);
        var objects = new ObjectStore(_fs, Layout.Objects);
        var distinct = hashes.Distinct().ToList();
        var damaged = new ConcurrentBag<ContentHash>();
        var missing = new ConcurrentBag<ContentHash>();
        Parallel.ForEach(distinct, new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = options.CancellationToken }, hash =>
        {
            switch (objects.Check(hash))
            {
                case ObjectCondition.Damaged: damaged.Add(hash); break;
                case ObjectCondition.Missing: missing.Add(hash); break;
            }
        });
        return new ObjectCheck(distinct.Count, damaged.Order().ToList(), missing.Order().ToList());
    }

    /// <summary>
    /// <c>verify</c>: puts back objects a release's rebuild made byte for byte as released (<paramref name="rebuilt"/>:
    /// hash -> the rebuilt file) where this store lacks them or holds them damaged (a damaged one is moved aside
    /// first, as a build would), and adds <paramref name="rootObjects"/> to the release's gc root
    /// <paramref name="rootName"/> (which keeps what it held), so that <c>export</c> works again. Under the build lock; returns how many objects
    /// were put back. A file that does not hash to its name is refused (never stored).
    /// </summary>
    public int RestoreObjects(IReadOnlyDictionary<ContentHash, string> rebuilt, string rootName, IEnumerable<ContentHash> rootObjects, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        using var held = Lock(options, out var holder) ?? throw new InvalidOperationException($"the store is locked by {holder}");
        using var storeHeld = StoreLock(options with { NoWait = false }, exclusive: false);
        var objects = new ObjectStore(_fs, Layout.Objects);
        using var db = OpenDatabase(options, [], objects);
        var quarantine = new DamagedObjects(db, objects, Layout);
        var restored = 0;
        foreach (var (hash, path) in rebuilt.OrderBy(p => p.Key.Hex, StringComparer.Ordinal))
        {
            if (quarantine.Check(hash) == ObjectCondition.Intact) continue;
            byte[] bytes;
            using (var stream = _fs.OpenRead(path))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            if (ContentHash.Of(bytes) != hash) throw new InvalidOperationException($"a rebuilt file does not hash to {hash.Short}; nothing of it was stored");
            objects.Put(bytes);
            restored++;
        }
        db.AddToRoot(rootName, rootObjects);
        WriteSharedRoots(db);
        return restored;
    }

    /// <summary>
    /// <c>fsck</c>: under the build lock, re-hashes every object of the store. Each damaged one is moved to
    /// <c>.dataforge/damaged/</c>, the actions that made it are forgotten and the output files made from it are marked
    /// unfinished, so the next build makes it again and restores those files; it is reported with those files and the
    /// gc roots (releases) that hold it. <paramref name="underLock"/> then runs before the lock is released (the project's
    /// own checks that move inputs aside, so no build starts between them and reads half of what they move).
    /// </summary>
    public StoreCheck CheckStore(BuildOptions? options = null, Action? underLock = null)
    {
        options ??= new BuildOptions();
        CheckJobs(options);
        using var held = Lock(options, out _);
        if (held is null) return new StoreCheck(BuildOutcome.LockBusy, 0, 0, []);
        // A shared store is checked whole, beside the builds of other projects (never during its gc).
        using var storeHeld = StoreLock(options, exclusive: false);
        if (storeHeld is null) return new StoreCheck(BuildOutcome.LockBusy, 0, 0, []);
        var check = Check(options);
        underLock?.Invoke();
        return check;
    }

    private StoreCheck Check(BuildOptions options)
    {
        var objects = new ObjectStore(_fs, Layout.Objects);
        using var db = OpenDatabase(options, [], objects);
        var all = new List<ContentHash>();
        long bytes = 0;
        foreach (var (_, name, size) in objects.Enumerate())
        {
            // Anything not named by a hash (a stray temporary file) is gc's to remove, not a damaged object.
            if (name.Length != 64 || !name.All(char.IsAsciiHexDigitLower)) continue;
            all.Add(ContentHash.Parse(name));
            bytes += size;
        }
        var damaged = new ConcurrentBag<ContentHash>();
        Parallel.ForEach(all, new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = options.CancellationToken }, hash =>
        {
            if (objects.Check(hash) == ObjectCondition.Damaged) damaged.Add(hash);
        });
        var found = damaged.Order().ToList();
        if (found.Count == 0) return new StoreCheck(BuildOutcome.Completed, all.Count, bytes, []);
        var materialised = db.LoadMaterialised();
        var report = found.Select(hash => new DamagedObject(hash,
            materialised.Where(m => m.Value.Object == hash).Select(m => m.Key).Order(StringComparer.Ordinal).ToList(),
            db.RootsHolding(hash))).ToList();
        var quarantine = new DamagedObjects(db, objects, Layout);
        foreach (var hash in found) quarantine.MoveAside(hash);
        return new StoreCheck(BuildOutcome.Completed, all.Count, bytes, report);
    }
}
