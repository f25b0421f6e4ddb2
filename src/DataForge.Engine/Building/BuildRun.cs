using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Indexing;
using DataForge.Engine.Planning;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// One pass over a pipeline: index the sources, then each stage in order (see <see cref="StageRun"/>),
/// then work out the output folder. A dry pass (status) writes nothing and runs no stage.
/// </summary>
internal sealed class BuildRun(IFileSystem fs, StoreLayout layout, StateDatabase db, ObjectStore objects, bool dryRun, int jobs, CancellationToken cancellationToken)
{
    public List<StageReport> Stages { get; } = [];

    public List<ItemFailure> Failures { get; } = [];

    public List<Explanation> Explanations { get; } = [];

    public IndexReport Index { get; private set; } = new();

    /// <summary>Output-relative path -> object and size, for every published output of this build.</summary>
    public Dictionary<string, (ContentHash Object, long Size)> Desired { get; } = new(StringComparer.Ordinal);

    public ObjectStore Objects => objects;

    /// <summary>
    /// A listing (<see cref="BuildEngine.ListOutputs"/>): plan every stage even when the last build's
    /// fingerprint holds, and keep each published output's action in <see cref="PublishedActions"/>.
    /// </summary>
    public bool PlanEverything { get; init; }

    /// <summary>With <see cref="PlanEverything"/>: every published output, in stage then action order, with its stage and action.</summary>
    public List<(string StageId, OutputRecord Output, PlannedAction Action)> PublishedActions { get; } = [];

    /// <summary>Per source, in pipeline order: its files as indexed and the index's report.</summary>
    public List<(string SourceId, IndexedFiles Files, IndexReport Report)> Sources { get; } = [];

    /// <summary>Per stage id: how many outputs it published at a path an earlier output holds with other content.</summary>
    public Dictionary<string, int> Conflicts { get; } = new(StringComparer.Ordinal);

    /// <summary>Told after each action that ran (stage, actions done, actions to run); called from worker threads.</summary>
    public Action<BuildProgress>? Progress { get; init; }

    /// <summary>How output files are made from their objects (<c>output.link</c>): a hard link kept under another mode is made again.</summary>
    public OutputLinkMode LinkMode { get; init; } = OutputLinkMode.Auto;

    /// <summary>
    /// Objects re-hashed in this build: the objects of output files changed since they were made are checked before
    /// planning, and a damaged one is moved aside so that planning runs its action again. Null in a dry pass.
    /// </summary>
    public DamagedObjects? Damaged { get; init; }

    /// <summary>The output folder as the last build left it (one stat per file), read before planning; the materialiser and status use it.</summary>
    public OutputState Outputs { get; private set; } = null!;

    /// <summary>
    /// Dry pass only: output paths the last build published from a stage that has actions to run. What those actions
    /// will make is unknown until they run, so status counts these neither as kept nor as removed.
    /// </summary>
    public HashSet<string> PendingPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs the actions on Slurm (see <see cref="Cluster.SlurmExecutor"/>); null: on this machine's cores.</summary>
    public Cluster.SlurmSettings? Slurm { get; init; }

    /// <summary>Prints phase times when profiling (see <see cref="PhaseClock"/>).</summary>
    public PhaseClock Clock { get; init; } = PhaseClock.FromEnvironment();

    /// <summary>The shared action cache each stage asks and tells (see <see cref="StageRun.Shared"/>), or null.</summary>
    public SharedActions? Shared { get; init; }

    /// <summary>
    /// True when the build took the no-op shortcut (see <see cref="BuildFingerprint"/>): then every
    /// output file is already checked in place, and the output folder needs no other work.
    /// </summary>
    public bool ServedByFingerprint { get; private set; }

    public void Run(Pipeline pipeline)
    {
        var fingerprint = BuildFingerprint.Of(pipeline, layout);
        var previous = db.GetMeta(BuildFingerprint.Key);
        var totals = db.GetMeta(BuildFingerprint.TotalsKey);
        // Each stage's memo from the last build (see StageMemo): removed, like the fingerprint, before this
        // build writes anything, so a memo is only ever the last build's, and that build ran the stage whole.
        var stageMemos = pipeline.Stages.ToDictionary(s => s.Definition.Id, s => db.GetMeta(StageRun.InputsKey(s.Definition.Id)), StringComparer.Ordinal);
        if (!dryRun)
        {
            db.DeleteMeta(BuildFingerprint.Key);
            db.DeleteMeta(BuildFingerprint.TotalsKey);
            // Every stage's, also of stages no longer in the pipeline: one re-added later must not find a digest
            // older than the stat cache (its slots may have outlived a build killed before it dropped them).
            db.DeleteMetaStartingWith(StageRun.InputsKey(""));
            db.Commit();
        }
        Clock.Mark("fingerprint");
        var items = new Dictionary<string, List<Item>>(StringComparer.Ordinal);
        var indexer = new Indexer(fs, db, Clock);
        var changedFiles = new Dictionary<string, List<SourceFile>>(StringComparer.Ordinal);

        string[] skip = [layout.StateRoot, layout.OutputRoot];
        long? clockNow = dryRun ? null : FileSystemClock();
        foreach (var source in pipeline.Sources)
        {
            var (files, changed, report) = indexer.Index(source, skip, record: !dryRun, jobs, cancellationToken, clockNow);
            changedFiles[source.Id] = changed;
            foreach (var unreadable in report.Unreadable)
                Failures.Add(new ItemFailure("index", $"{source.Id}:{unreadable.Path}", unreadable.Reason));
            Sources.Add((source.Id, files, report));
        }
        Index = IndexReport.Sum(Sources.Select(s => s.Report));
        Clock.Mark("index");
        Outputs = OutputState.Read(fs, db, layout, LinkMode);
        // An output file changed since it was made may have been written through (a hard link shares its object's
        // bytes): its object is re-hashed, and one that no longer hashes to its name is moved aside before planning.
        if (Damaged is not null)
            foreach (var path in Outputs.Changed.Order(StringComparer.Ordinal))
                Damaged.Check(Outputs.Records[path].Object);
        Clock.Mark("output folder stat");
        if (!PlanEverything && previous == fingerprint && Index is { Added: 0, Changed: 0, Removed: 0, Renamed: 0, Unreadable.Count: 0 }
            && BuildFingerprint.ParseTotals(totals, pipeline) is { } unchanged && TryOutputsFromLastBuild())
        {
            Stages.AddRange(unchanged);
            ServedByFingerprint = true;
            // Every stage is as the last build left it: its memo still holds.
            if (!dryRun)
                foreach (var (id, memo) in stageMemos)
                    if (memo is not null) db.SetMeta(StageRun.InputsKey(id), memo);
            Clock.Mark("no-op shortcut");
            return;
        }
        if (!dryRun) db.KeepOnlySources(pipeline.Sources.Select(s => s.Id).ToArray());
        var sourceFiles = Sources.ToDictionary(s => s.SourceId, s => s.Files, StringComparer.Ordinal);
        // A source's items, in path order (the index gives files in walk order: plans, reports and failures come out
        // sorted), made when a stage first reads the whole source.
        List<Item> ItemsOf(string input)
        {
            if (items.TryGetValue(input, out var list)) return list;
            var files = sourceFiles[input].List;
            files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
            return items[input] = files.Select(Item.OfSource).ToList();
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        IActionExecutor? executor = null;
        for (var s = 0; s < pipeline.Stages.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stage = pipeline.Stages[s];
            var id = stage.Definition.Id;
            List<Item> AllInputs() => stage.Definition.Inputs.SelectMany(input => ItemsOf(input).Where(i => stage.Definition.Reads(input, i.Path))).ToList();
            var run = new StageRun(stage, db, Objects)
            {
                Progress = Progress, Clock = Clock, PreviousMemo = StageMemo.Parse(stageMemos[id]), Shared = Shared,
                OutputsNeeded = stage.Definition.Publish || pipeline.Stages.Skip(s + 1).Any(later => later.Definition.Inputs.Contains(id, StringComparer.Ordinal)),
            };
            // A stage that plans only its changed inputs, reading sources alone: only their changed files become items.
            if (run.PlansOnlyChanged && stage.Definition.Inputs.All(sourceFiles.ContainsKey))
                run.Plan(ChangedSourceInputs(stage.Definition, sourceFiles, changedFiles, AllInputs));
            else run.Plan(AllInputs());
            // A status plans only; a build runs what the plan left to run and records the stage.
            if (!dryRun) run.Execute(executor ??= Slurm is { } slurm
                ? new Cluster.SlurmExecutor(slurm, layout, db, Objects, pipeline.Sources, cancellationToken) { StatTrustedBefore = clockNow }
                : new LocalExecutor(fs, db, Objects, jobs, cancellationToken) { StatTrustedBefore = clockNow });
            run.Finish(record: !dryRun);
            if (dryRun) PendingPaths.UnionWith(run.PendingPaths);
            foreach (var (output, label, action) in run.Published)
            {
                if (Desired.TryGetValue(output.Path, out var taken))
                {
                    if (taken.Object != output.Object)
                    {
                        // The other writer by its reference: its label holds a source path, which may name the patient.
                        run.FailAfterwards(action, label, $"its output path is also written, with other content, by {owners[output.Path]}");
                        Conflicts[id] = Conflicts.GetValueOrDefault(id) + 1;
                    }
                    continue;
                }
                Desired[output.Path] = (output.Object, output.Size);
                owners[output.Path] = $"{id} item {ItemLabel.Reference(label)}";
                if (PlanEverything) PublishedActions.Add((id, output, run.Actions[action]));
            }
            items[id] = run.Outputs;
            Stages.Add(run.Report());
            Failures.AddRange(run.Failures);
            Explanations.AddRange(run.Explanations);
            Clock.Mark($"stage {id}");
        }
        if (!dryRun)
        {
            db.KeepOnlyStages(pipeline.Stages.Select(s => s.Definition.Id).ToArray());
            db.Commit();
        }
    }

    /// <summary>
    /// The inputs of a stage that reads sources alone and plans only its changed inputs: how many it reads, and the
    /// items of the changed ones (in input order, each input's in path order, as the whole list gives them). The whole
    /// list (<paramref name="all"/>) is made only if the stage asks for it.
    /// </summary>
    private static StageInputs ChangedSourceInputs(Stages.StageDefinition definition, Dictionary<string, IndexedFiles> sourceFiles,
        Dictionary<string, List<SourceFile>> changedFiles, Func<IReadOnlyList<Item>> all)
    {
        var count = 0;
        var changed = new List<SourceFile>();
        foreach (var input in definition.Inputs)
        {
            // A source read whole: its count, and the changed files the index gave (no pass over 100,000 files).
            if (!definition.FiltersInput(input))
            {
                count += sourceFiles[input].Count;
                changed.AddRange(changedFiles[input]);
                continue;
            }
            foreach (var file in sourceFiles[input].List)
            {
                if (!definition.Reads(input, file.RelativePath)) continue;
                count++;
                if (!file.Unchanged) changed.Add(file);
            }
        }
        var order = definition.Inputs.Select((input, i) => (input, i)).ToDictionary(x => x.input, x => x.i, StringComparer.Ordinal);
        changed.Sort((a, b) => order[a.SourceId] != order[b.SourceId] ? order[a.SourceId] - order[b.SourceId] : string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new StageInputs(count, changed.Select(Item.OfSource).ToList(), all);
    }

    /// <summary>
    /// The file system's current time, as it stamps mtimes (a coarse clock, maybe another machine's):
    /// the mtime of a file written now. Taken before the walk, it is the racy-clean threshold the
    /// stat cache records (see <see cref="Indexer"/>).
    /// </summary>
    private long FileSystemClock()
    {
        var marker = $"{layout.StateRoot}/clock";
        StorageException.Guard(StorageArea.Store, () => fs.WriteAtomically(marker, [], readOnly: false, durable: false));
        return fs.Stat(marker)?.MtimeNs ?? long.MinValue;
    }

    /// <summary>Records the fingerprint after a build with no failure (call once the output folder is in place).</summary>
    public void RecordFingerprint(Pipeline pipeline)
    {
        if (Failures.Count > 0) return;
        db.SetMeta(BuildFingerprint.Key, BuildFingerprint.Of(pipeline, layout));
        db.SetMeta(BuildFingerprint.TotalsKey, BuildFingerprint.Totals(Stages));
        db.Commit();
    }

    /// <summary>
    /// The last build's output folder as the desired one, when every file is in place (see <see cref="OutputState"/>:
    /// one stat per file, done before). A copy or reflink also needs its object stat'ed (a hard link counts its links).
    /// False when a file was not fully written, is gone, was changed or replaced, or lost its object: then the build
    /// plans as usual (which restores the file from a re-hashed object, or re-runs its action).
    /// </summary>
    private bool TryOutputsFromLastBuild()
    {
        if (!Outputs.AllInPlace) return false;
        foreach (var (path, row) in Outputs.Records)
        {
            if (row.As != MaterialisedAs.Hardlink && fs.Stat(objects.PathOf(row.Object)) is null)
            {
                Desired.Clear();
                return false;
            }
            Desired[path] = (row.Object, row.Size);
        }
        return true;
    }
}
