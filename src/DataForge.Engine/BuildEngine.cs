using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Store;

namespace DataForge.Engine;

/// <summary>
/// The incremental build engine of one project: <c>build</c>, <c>status</c> and <c>gc</c> over a
/// <see cref="Pipeline"/>, with state in <c>&lt;project&gt;/.dataforge/</c>. Expected outcomes
/// (failed items, a busy lock, a rebuilt state.db) are values in the results; exceptions mean a
/// bug or an environment the engine cannot work in (disk full, permissions).
/// </summary>
public sealed partial class BuildEngine
{
    private readonly IFileSystem _fs;
    private readonly StateDatabaseLocation _database;

    /// <summary>An engine on the real disk, state in <c>layout.StateRoot</c>.</summary>
    public BuildEngine(StoreLayout layout) : this(layout, new PhysicalFileSystem(), StateDatabaseLocation.File(layout.Database)) { }

    /// <summary>An engine on any file system and state database (tests pass in-memory fakes).</summary>
    public BuildEngine(StoreLayout layout, IFileSystem fileSystem, StateDatabaseLocation database)
    {
        Layout = layout;
        _fs = fileSystem;
        _database = database;
        _shared = layout.SharedStore is null ? null : new SharedStore(fileSystem, layout);
    }

    /// <summary>The store folder this project shares with others (<c>store:</c>), or null.</summary>
    private readonly SharedStore? _shared;

    public StoreLayout Layout { get; }

    /// <summary>
    /// An action cache shared with other projects and machines (<c>state: postgres://…</c>), or null: build and status
    /// ask it for what state.db does not hold, and a build tells it every action it records. Its objects are in
    /// <see cref="Layout"/>'s store, which should then be a shared store too.
    /// </summary>
    public IActionCache? ActionCache { get; init; }

    /// <summary>How output files are made from store objects (<c>output.link</c>); reflink-or-copy by default.</summary>
    public OutputLinkMode OutputLink { get; init; } = OutputLinkMode.Auto;

    /// <summary>
    /// Brings the output folder up to date: indexes sources, runs the actions whose keys are not in
    /// the cache (in parallel, <see cref="BuildOptions.Jobs"/>), materialises published outputs and
    /// removes stale ones. One build per store at a time: waits for the lock or, with
    /// <see cref="BuildOptions.NoWait"/>, returns <see cref="BuildOutcome.LockBusy"/>.
    /// </summary>
    public BuildResult Build(Pipeline pipeline, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        CheckJobs(options);
        var clock = PhaseClock.FromEnvironment();
        clock.Mark("engine start");
        using var held = Lock(options, out var holder);
        if (held is null) return new BuildResult { Outcome = BuildOutcome.LockBusy, LockHolder = holder };
        // A shared store: builds of several projects at once, never during its gc.
        using var storeHeld = StoreLock(options, exclusive: false);
        if (storeHeld is null) return new BuildResult { Outcome = BuildOutcome.LockBusy, LockHolder = "a gc of the shared store" };
        // Until this build has written its roots, another project's gc removes nothing (a kill leaves the mark).
        _shared?.MarkUnfinished();
        clock.Mark("lock");
        var notices = new List<string>();
        var objects = new ObjectStore(_fs, Layout.Objects);
        using var db = OpenDatabase(options, notices, objects);
        db.MarkInUse();
        AdoptStore(db, notices, options);
        clock.Mark("open state.db");
        // Connected on the first look-up: a no-op build asks the shared cache nothing.
        var shared = ActionCache is null ? null : new SharedActions(ActionCache, objects);
        // Results a killed cluster build left are recorded before planning, so their actions do not run again; like every
        // action a build records, they are told to the shared cache too.
        if (Cluster.WorkFolders.Recover(Layout, db, objects, options.Slurm, shared is null ? null : shared.Record) > 0)
        {
            db.Commit();
            shared?.Flush();
        }
        var damaged = new DamagedObjects(db, objects, Layout);
        var executed = new List<Explanation>();
        BuildRun run;
        OutputReport output;
        var (written, removed) = (0, 0);
        for (var pass = 0; ; pass++)
        {
            run = new BuildRun(_fs, Layout, db, objects, dryRun: false, options.Jobs, options.CancellationToken)
            {
                Progress = options.OnProgress, Clock = clock, LinkMode = OutputLink, Damaged = damaged, Slurm = options.Slurm, Shared = shared,
            };
            run.Run(pipeline);
            executed.AddRange(run.Explanations);
            db.SaveNames(objects);
            var before = damaged.Found.Count;
            var materialiser = new Materialiser(_fs, db, objects, Layout, OutputLink);
            output = run.ServedByFingerprint ? new OutputReport(0, run.Desired.Count, 0) : materialiser.Apply(run.Outputs, run.Desired, damaged);
            (written, removed) = (written + output.Written, removed + output.Removed);
            if (materialiser.CopiedForReflink > 0 && pass == 0)
                notices.Add($"output.link: reflink: the output folder's file system cannot clone files; {materialiser.CopiedForReflink} file(s) were copied instead");
            // An object found damaged only when it was about to be published: one more pass runs its action again.
            if (damaged.Found.Count == before || pass == 1) break;
        }
        output = output with { Written = written, Removed = removed, Damaged = damaged.Found.Count };
        if (damaged.Found.Count > 0)
            notices.Add($"{damaged.Found.Count} store object(s) no longer hashed to their name (an output written through a hard link, "
                + "or damage on disk): moved aside to .dataforge/damaged/ and made again from their actions; they are never published");
        if (shared?.SendProblem is { } unsent)
            notices.Add($"some actions of this build were not sent to the shared action cache ({unsent}): the outputs are complete, "
                + "but other projects and machines will run those actions themselves");
        clock.Mark("output folder");
        run.RecordFingerprint(pipeline);
        // A no-op build changed nothing this project holds: its roots file still says it.
        if (!run.ServedByFingerprint || _shared is { } s && _fs.Stat(s.RootsFile) is null) WriteSharedRoots(db);
        _shared?.MarkFinished();
        db.MarkClean();
        clock.Mark("record");
        return new BuildResult
        {
            Outcome = BuildOutcome.Completed,
            Stages = run.Stages,
            Failures = run.Failures,
            Executed = executed,
            Index = run.Index,
            Output = output,
            Notices = notices,
        };
    }

    /// <summary>
    /// What a build would run and why, without running it or writing state. Needs no lock: it reads
    /// the stat cache and hashes only files whose stat changed. An untrusted state.db is reported and
    /// read as empty (the next build moves it aside).
    /// </summary>
    public StatusReport Status(Pipeline pipeline, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        CheckJobs(options);
        var notices = new List<string>();
        var problem = _database.IsFile && _fs.Stat(Layout.Database) is null ? "" : StateDatabase.Probe(_database);
        using var empty = problem is null ? null : StateDatabaseLocation.InMemory();
        if (!string.IsNullOrEmpty(problem)) notices.Add($"state.db is not trusted ({problem}); the next build moves it aside and rebuilds it");
        using var db = StateDatabase.Open(empty ?? _database, out _, readOnly: true);
        var objects = new ObjectStore(_fs, Layout.Objects);
        db.LoadNames(objects);
        var run = new BuildRun(_fs, Layout, db, objects, dryRun: true, options.Jobs, options.CancellationToken)
        {
            LinkMode = OutputLink, Shared = ActionCache is null ? null : new SharedActions(ActionCache, objects),
        };
        run.Run(pipeline);
        var (restore, remove, pending) = Materialiser.Preview(run.Outputs, run.Desired, run.PendingPaths);
        return new StatusReport
        {
            Stages = run.Stages,
            WouldRun = run.Explanations,
            Index = run.Index,
            OutputsToRestore = restore,
            OutputsToRemove = remove,
            OutputsPending = pending,
            Notices = notices,
        };
    }

    /// <summary>Removes store objects no registered root and no current build references (under the build lock).</summary>
    public GcResult CollectGarbage(BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        using var held = Lock(options, out _);
        if (held is null) return new GcResult(BuildOutcome.LockBusy, 0, 0, 0, 0, 0);
        var objects = new ObjectStore(_fs, Layout.Objects);
        using var db = OpenDatabase(options, [], objects);
        return new GarbageCollector(_fs, db, objects, Layout.Damaged)
        {
            Shared = _shared, SharedRoots = () => db.SharedRoots(pathObjects: ActionCache is not null), LockStore = () => StoreLock(options, exclusive: true),
        }.Collect();
    }

    /// <summary>Registers (or replaces) a named gc root, e.g. a release, keeping these objects alive.</summary>
    public void SetRoot(string name, IEnumerable<ContentHash> objects, BuildOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new BuildOptions();
        using var held = Lock(options, out var holder) ?? throw new InvalidOperationException($"the store is locked by {holder}");
        using var storeHeld = StoreLock(options with { NoWait = false }, exclusive: false);
        using var db = OpenDatabase(options, [], new ObjectStore(_fs, Layout.Objects));
        db.SetRoot(name, objects);
        WriteSharedRoots(db);
    }

    /// <summary>Drops a named gc root.</summary>
    public void RemoveRoot(string name, BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        using var held = Lock(options, out var holder) ?? throw new InvalidOperationException($"the store is locked by {holder}");
        using var storeHeld = StoreLock(options with { NoWait = false }, exclusive: false);
        using var db = OpenDatabase(options, [], new ObjectStore(_fs, Layout.Objects));
        db.RemoveRoot(name);
        WriteSharedRoots(db);
    }

    /// <summary>Names of the registered gc roots.</summary>
    public IReadOnlyList<string> RootNames(BuildOptions? options = null)
    {
        options ??= new BuildOptions();
        using var held = Lock(options, out var holder) ?? throw new InvalidOperationException($"the store is locked by {holder}");
        using var db = OpenDatabase(options, [], new ObjectStore(_fs, Layout.Objects));
        return db.RootNames();
    }

    private IDisposable? Lock(BuildOptions options, out string? holder)
    {
        StorageException.Guard(StorageArea.Store, () => _fs.CreateDirectory(Layout.StateRoot, privateMode: true));
        var handle = BuildLock.Acquire(_fs, Layout, options, out holder);
        if (handle is null) return null;
        StorageException.Guard(StorageArea.Store, () => _fs.CreateDirectory(Layout.Objects, privateMode: true));
        StorageException.Guard(StorageArea.Temp, () => _fs.CreateDirectory(Layout.Temp, privateMode: true));
        // Whatever a killed build left in tmp/ is garbage: nobody else holds the lock.
        foreach (var stray in _fs.Walk(Layout.Temp).ToList()) _fs.DeleteFile($"{Layout.Temp}/{stray.RelativePath}");
        return handle;
    }

    private StateDatabase OpenDatabase(BuildOptions options, List<string> notices, ObjectStore objects)
    {
        var db = StateDatabase.Open(_database, out var notice);
        db.BeforeCommit = objects.MakeDurable;
        db.LoadNames(objects);
        if (notice is not null)
        {
            notices.Add(notice);
            options.OnMessage?.Invoke(notice);
        }
        return db;
    }

    private static void CheckJobs(BuildOptions options) =>
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Jobs, 1, nameof(options.Jobs));
}
