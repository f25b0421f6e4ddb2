using System.Collections.Concurrent;
using System.Text.Json;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Plans, explains and (unless dry) executes the actions of one stage: computes each action's key,
/// serves it from the cache when the key is recorded, otherwise says why it runs and runs it on the
/// worker pool. A failing action fails only its item.
/// </summary>
internal sealed class StageRun(IStage stage, IFileSystem fs, StateDatabase db, ObjectStore objects, bool dryRun, int jobs, CancellationToken cancellationToken)
{
    /// <summary>Told after each action that ran; called from worker threads.</summary>
    public Action<BuildProgress>? Progress { get; init; }

    /// <summary>Prints phase times when profiling (see <see cref="PhaseClock"/>).</summary>
    public PhaseClock Clock { get; init; } = PhaseClock.FromEnvironment();

    /// <summary>
    /// This build's file-system clock before the walk (null in status): a source file whose stat is
    /// the indexed one and older than this is read without hashing it again (see <see cref="StoredStageItem"/>).
    /// </summary>
    public long? StatTrustedBefore { get; init; }

    /// <summary>
    /// What the stage's last run vouches for (see <see cref="StageMemo"/>; null when the last build did not
    /// run every action of this stage, or was killed). With this definition: when every input is unchanged,
    /// the stage takes its results whole; otherwise a map action whose input is <see cref="Item.Unchanged"/>
    /// is its slot's action, without a key.
    /// </summary>
    public StageMemo? PreviousMemo { get; init; }

    /// <summary>
    /// False when no later stage reads this stage's outputs and it publishes none: then a map stage with a
    /// memo plans only its changed inputs (reading only their rows) and leaves the rest as they are.
    /// </summary>
    public bool OutputsNeeded { get; init; } = true;

    private readonly StageDefinition _def = stage.Definition;

    public List<Item> Outputs { get; } = [];

    public List<ItemFailure> Failures { get; } = [];

    public List<Explanation> Explanations { get; } = [];

    /// <summary>Published outputs of this stage's successful actions, in action order, with the action's label.</summary>
    public List<(OutputRecord Output, string Label, int Action)> Published { get; } = [];

    public ActionOutcome[] Outcomes { get; private set; } = [];

    /// <summary>The actions planned in this run, as <see cref="Outcomes"/> and <see cref="Published"/> number them.</summary>
    public IReadOnlyList<PlannedAction> Actions { get; private set; } = [];

    private int _planFailures;

    private int _keysComputed;

    /// <summary>Actions left as the last build made them without being planned (a map stage whose outputs nobody needs).</summary>
    private int _kept;

    private long _rowsRead;

    private long _actionLookups;

    private int _itemsMade;

    /// <summary>True when the stage's inputs were the last build's and its results were taken from state.db whole.</summary>
    public bool InputsUnchanged { get; private set; }

    public StageReport Report() => new(_def.Id,
        Outcomes.Length + _planFailures + _kept,
        Outcomes.Count(o => o is ActionOutcome.Executed or ActionOutcome.WouldRun),
        Outcomes.Count(o => o == ActionOutcome.Cached) + _kept,
        Outcomes.Count(o => o == ActionOutcome.Failed) + _planFailures) { KeysComputed = _keysComputed, RowsRead = _rowsRead, ActionLookups = _actionLookups, ItemsMade = _itemsMade };

    /// <summary>Meta key of a stage's memo (see <see cref="StageMemo"/>).</summary>
    public static string InputsKey(string stageId) => $"stage-inputs:{stageId}";

    /// <summary>Marks an action failed after the fact (an output path another item already published).</summary>
    public void FailAfterwards(int action, string label, string reason)
    {
        if (Outcomes[action] == ActionOutcome.Failed) return;
        Outcomes[action] = ActionOutcome.Failed;
        Failures.Add(new ItemFailure(_def.Id, label, reason));
    }

    private ContentHash? _definitionHash;

    private string? _fingerprint;

    private ContentHash DefinitionHash => _definitionHash ??= ActionKeys.DefinitionHash(_def);

    private string Fingerprint => _fingerprint ??= StageMemo.FingerprintOf(_def, DefinitionHash);

    /// <summary>The last run's memo when it holds for this definition, or null.</summary>
    private StageMemo? Memo => PreviousMemo?.Fingerprint == Fingerprint ? PreviousMemo : null;

    /// <summary>
    /// True when this run plans only its changed inputs: a map stage whose outputs nobody needs (see
    /// <see cref="OutputsNeeded"/>), whose last run's memo holds. Its inputs may then be given as a count and
    /// the changed items (see <see cref="StageInputs"/>).
    /// </summary>
    public bool PlansOnlyChanged => _def.Shape == StageShape.Map && !OutputsNeeded && Memo is not null;

    public void Run(IReadOnlyList<Item> inputs) => Run(new StageInputs(inputs));

    public void Run(StageInputs inputs)
    {
        var definitionHash = DefinitionHash;
        var fingerprint = Fingerprint;
        var memo = Memo;
        var rowsBefore = db.RowsRead;
        var lookupsBefore = db.ActionLookups;
        var tc = Clock;
        // A map stage whose outputs nobody needs: what did not change stays as it is, unread.
        var lean = PlansOnlyChanged;
        // Every input the last run's (each unchanged, and as many): the input list is that run's.
        var unchanged = !lean && memo is not null && inputs.Count == memo.Inputs && inputs.All.All(i => i.Unchanged && !i.Pending);
        Dictionary<string, SlotRecord>? slots = null, found = null;
        Dictionary<ContentHash, List<OutputRecord>>? slotOutputs = null;
        List<PlannedAction> actions;
        if (lean)
        {
            actions = PlanChanged(inputs, memo!, found = new Dictionary<string, SlotRecord>(StringComparer.Ordinal));
            tc.Mark($"{_def.Id}: plan changed");
        }
        else
        {
            slots = db.LoadSlots(_def.Id);
            tc.Mark($"{_def.Id}: load slots");
            slotOutputs = db.LoadOutputsOfSlots(_def.Id);
            tc.Mark($"{_def.Id}: load outputs");
            actions = Plan(inputs.All);
            tc.Mark($"{_def.Id}: plan");
        }
        Outcomes = new ActionOutcome[actions.Count];
        Actions = actions;
        var results = new List<OutputRecord>?[actions.Count];
        var same = new bool[actions.Count]; // the action is the last build's: its outputs are Unchanged items
        var toRun = new List<int>();
        // A stage with no action recorded (its first build, or status before it) can find none: no key is looked up.
        var noActions = !db.HasActions(_def.Id);

        // Inputs unchanged: every action's key is the one its slot recorded; take its outputs as they are
        // (published objects still checked), with no key computed. Anything missing: plan item by item.
        if (unchanged && slots is not null && _planFailures == 0 && TakeRecorded(actions, slots, slotOutputs!, results))
        {
            InputsUnchanged = true;
            Array.Fill(Outcomes, ActionOutcome.Cached);
            Array.Fill(same, true);
        }
        else for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            if (action.Pending)
            {
                Outcomes[i] = ActionOutcome.WouldRun;
                Explanations.Add(new Explanation(_def.Id, action.Label, RunReason.UpstreamWillRun));
                continue;
            }
            // A store with no slot of this stage has none to find: the action's slot is not even computed here.
            var slotTable = (slots ?? found)!;
            var slot = slotTable.Count == 0 ? null : slotTable.GetValueOrDefault(action.Slot);
            // A map action whose one input is the last build's, in a stage the last build ran whole with this
            // definition: its slot's action is the one its key would name.
            if (memo is not null && slotOutputs is not null && _def.Shape == StageShape.Map && action.Inputs[0].Unchanged
                && slot is not null && slot.Version == _def.Version && slot.Config == definitionHash
                && slotOutputs.TryGetValue(slot.Action, out var kept) && (!_def.Publish || kept.All(o => objects.Contains(o.Object))))
            {
                action.Key = slot.Action;
                action.InputsHash = slot.Inputs;
                Outcomes[i] = ActionOutcome.Cached;
                results[i] = kept;
                same[i] = true;
                continue;
            }
            if (dryRun && slot is null && noActions)
            {
                // Status on a store that recorded no action: this one is new, and its key could find nothing.
                Explanations.Add(Explain(action, RunReason.NewInput));
                Outcomes[i] = ActionOutcome.WouldRun;
                continue;
            }
            action.InputsHash = ActionKeys.InputsHash(_def, action.Inputs, action.GroupKeyHash);
            action.Key = ActionKeys.Key(_def, definitionHash, action.InputsHash);
            _keysComputed++;
            var recorded = slotOutputs?.GetValueOrDefault(action.Key) ?? (noActions ? null : db.FindAction(action.Key));
            var intact = recorded is not null && (!_def.Publish || recorded.All(o => objects.Contains(o.Object)));
            same[i] = memo is not null && slot?.Action == action.Key;
            if (intact)
            {
                Outcomes[i] = ActionOutcome.Cached;
                results[i] = recorded;
                if (!dryRun && slot?.Action != action.Key) db.PutSlot(_def.Id, action.Slot, Record(action, definitionHash));
                continue;
            }
            if (recorded is not null && !dryRun) db.ForgetAction(action.Key);
            Explanations.Add(Explain(action, Explain(slot, definitionHash, action)));
            if (dryRun) Outcomes[i] = ActionOutcome.WouldRun;
            else toRun.Add(i);
        }

        tc.Mark($"{_def.Id}: keys");
        if (toRun.Count > 0)
        {
            var config = _def.Config.ToElement();
            var failures = new ConcurrentDictionary<int, string>();
            var done = 0;
            Progress?.Invoke(new BuildProgress(_def.Id, 0, toRun.Count));
            Parallel.ForEach(toRun, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, i =>
            {
                var (outputs, failure) = Execute(actions[i], config);
                if (failure is null)
                {
                    // Nobody reads them: not kept (a first build of 100,000 items would hold them all to the end).
                    if (OutputsNeeded) results[i] = outputs;
                    db.PutSlot(_def.Id, actions[i].Slot, Record(actions[i], definitionHash));
                }
                else failures[i] = failure;
                Progress?.Invoke(new BuildProgress(_def.Id, Interlocked.Increment(ref done), toRun.Count));
            });
            foreach (var i in toRun)
            {
                if (failures.TryGetValue(i, out var reason))
                {
                    Outcomes[i] = ActionOutcome.Failed;
                    Failures.Add(new ItemFailure(_def.Id, actions[i].Label, reason));
                }
                else Outcomes[i] = ActionOutcome.Executed;
            }
        }

        if (!dryRun)
        {
            if (slots is { Count: > 0 })
            {
                var current = actions.Select(a => a.Slot).ToHashSet(StringComparer.Ordinal);
                foreach (var slot in slots.Keys)
                    if (!current.Contains(slot)) db.DeleteSlot(_def.Id, slot);
            }
            else foreach (var slot in _staleSlots) db.DeleteSlot(_def.Id, slot);
            // Every action done: the next build may take what did not change as it is.
            if (_planFailures == 0 && Outcomes.All(o => o is ActionOutcome.Cached or ActionOutcome.Executed))
                db.SetMeta(InputsKey(_def.Id), new StageMemo(fingerprint, inputs.Count, actions.Count + _kept).ToString());
            db.Commit();
        }
        _itemsMade = inputs.MadeAll ? inputs.Count : inputs.Changed.Count;
        _rowsRead = db.RowsRead - rowsBefore;
        _actionLookups = db.ActionLookups - lookupsBefore;

        // Status: a published stage with actions to run may make again, or no longer make, what its last run published.
        if (dryRun && _def.Publish && slotOutputs is not null && Outcomes.Contains(ActionOutcome.WouldRun))
            foreach (var outputs in slotOutputs.Values)
                foreach (var o in outputs)
                    PendingPaths.Add(o.Path);
        tc.Mark($"{_def.Id}: run, commit");
        for (var i = 0; OutputsNeeded && i < actions.Count; i++)
        {
            var action = actions[i];
            if (Outcomes[i] == ActionOutcome.WouldRun)
            {
                // Status only: what this action will make is unknown; downstream sees one pending item.
                Outputs.Add(new Item($"{_def.Id}:{action.Slot}:?", action.Label, "", default, 0, default, null, null) { Pending = true });
                continue;
            }
            if (results[i] is not { } outputs) continue;
            foreach (var o in outputs)
            {
                var item = OutputItem(_def.Id, action.Slot, o, action.Key, action.Inputs, objects);
                Outputs.Add(item with
                {
                    // A pass-through's provenance depends on the store as well as the key: not vouched for.
                    Unchanged = same[i] && Outcomes[i] == ActionOutcome.Cached && item.SourceFile is null,
                });
                if (_def.Publish) Published.Add((o, action.Label, i));
            }
        }
    }

    /// <summary>Dry run only: paths the last run of this published stage made, when some of its actions would run (see <see cref="BuildRun.PendingPaths"/>).</summary>
    public List<string> PendingPaths { get; } = [];

    /// <summary>Slots of a lean run's stage that no current input names (deleted after the run).</summary>
    private List<string> _staleSlots = [];

    /// <summary>
    /// A lean run's actions (see <see cref="OutputsNeeded"/>): one per changed input, each slot read on its
    /// own. The memo vouches that every unchanged input's slot holds its action; the slot count says whether
    /// some slot is no longer named (an input removed), and only then are the slot names read and compared.
    /// </summary>
    private List<PlannedAction> PlanChanged(StageInputs inputs, StageMemo memo, Dictionary<string, SlotRecord> found)
    {
        var actions = new List<PlannedAction>();
        foreach (var item in inputs.Changed)
            actions.Add(new PlannedAction { Inputs = [item] });
        _kept = inputs.Count - actions.Count;
        foreach (var action in actions)
            if (db.FindSlot(_def.Id, action.Slot) is { } slot) found[action.Slot] = slot;
        if (_kept + found.Count == memo.Actions) return actions;
        // Some slot is named by no input (or, against the memo, an unchanged input has none: then it is planned too).
        var stored = db.LoadSlotNames(_def.Id);
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in inputs.All)
        {
            var slot = ActionKeys.SlotOf(item.Identity);
            current.Add(slot);
            if (item.Unchanged && !item.Pending && !stored.Contains(slot))
            {
                actions.Add(new PlannedAction { Slot = slot, Inputs = [item] });
                _kept--;
            }
        }
        _staleSlots = stored.Where(s => !current.Contains(s)).Order(StringComparer.Ordinal).ToList();
        return actions;
    }

    /// <summary>Fills every action's key and outputs from its slot; false (nothing kept) when a slot, an action or a published object is missing.</summary>
    private bool TakeRecorded(List<PlannedAction> actions, Dictionary<string, SlotRecord> slots,
        Dictionary<ContentHash, List<OutputRecord>> slotOutputs, List<OutputRecord>?[] results)
    {
        if (slots.Count != actions.Count) return false;
        for (var i = 0; i < actions.Count; i++)
        {
            if (!slots.TryGetValue(actions[i].Slot, out var slot) || slot.Version != _def.Version
                || !slotOutputs.TryGetValue(slot.Action, out var outputs)
                || (_def.Publish && !outputs.All(o => objects.Contains(o.Object))))
            {
                Array.Clear(results);
                return false;
            }
            actions[i].Key = slot.Action;
            actions[i].InputsHash = slot.Inputs;
            results[i] = outputs;
        }
        return true;
    }

    /// <summary>
    /// The item downstream stages read for one output of an action. An output that is a source file
    /// passed through and not copied to the store is read where the source is read, with the source's
    /// provenance; any other output is read from the store, made by the action.
    /// </summary>
    private static Item OutputItem(string stageId, string slot, OutputRecord o, ContentHash actionKey, IReadOnlyList<Item> inputs, ObjectStore objects)
    {
        var origin = inputs.FirstOrDefault(x => x.Hash == o.Object && !x.Pending && x.SourceFile is not null);
        if (origin is not null && objects.Contains(o.Object)) origin = null;
        return Item.OfOutput(stageId, slot, o.Path, o.Object, o.Size, o.Metadata, origin is null ? actionKey : origin.Producer, origin?.SourceFile);
    }

    private SlotRecord Record(PlannedAction action, ContentHash definitionHash) => new(action.Key, _def.Version, definitionHash, action.InputsHash);

    /// <summary>Why an action runs; a map action's names its item, whose label is made only when read.</summary>
    private Explanation Explain(PlannedAction action, RunReason reason) =>
        _def.Shape == StageShape.Map ? new Explanation(_def.Id, action.Inputs[0], reason) : new Explanation(_def.Id, action.Label, reason);

    private RunReason Explain(SlotRecord? slot, ContentHash definitionHash, PlannedAction action)
    {
        if (slot is null) return RunReason.NewInput;
        if (slot.Version != _def.Version) return RunReason.ImplementationVersionChanged;
        if (slot.Config != definitionHash) return RunReason.ConfigChanged;
        if (slot.Inputs != action.InputsHash) return RunReason.ChangedInput;
        return RunReason.OutputMissing;
    }

    // ---- planning ------------------------------------------------------------------------------

    private List<PlannedAction> Plan(IReadOnlyList<Item> inputs)
    {
        switch (_def.Shape)
        {
            case StageShape.Map:
                return inputs.Select(item => new PlannedAction { Inputs = [item] }).ToList();
            case StageShape.Reduce:
                return [new PlannedAction { Slot = ActionKeys.SlotOf("reduce"), Label = "(whole dataset)", Inputs = ActionKeys.Order(_def, inputs) }];
            default:
                return PlanGroups(inputs);
        }
    }

    private List<PlannedAction> PlanGroups(IReadOnlyList<Item> inputs)
    {
        var property = _def.GroupBy!;
        var known = db.LoadGroupKeys(property);
        var groups = new SortedDictionary<string, List<Item>>(StringComparer.Ordinal);
        var pending = new List<Item>();
        foreach (var item in inputs)
        {
            if (item.Pending) { pending.Add(item); continue; }
            if (!known.TryGetValue(item.Metadata, out var keyHash))
            {
                var key = GroupKeyOf(item);
                if (key is null)
                {
                    Failures.Add(new ItemFailure(_def.Id, item.Label, "metadata object missing from the store; run gc and build again"));
                    _planFailures++;
                    continue;
                }
                keyHash = key.Length == 0 ? "" : ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(key)).Hex;
                known[item.Metadata] = keyHash;
                if (!dryRun) db.PutGroupKey(item.Metadata, property, keyHash);
            }
            if (keyHash.Length == 0)
            {
                Failures.Add(new ItemFailure(_def.Id, item.Label, $"its metadata has no '{property}' to group on"));
                _planFailures++;
                continue;
            }
            if (!groups.TryGetValue(keyHash, out var members)) groups[keyHash] = members = [];
            members.Add(item);
        }
        var actions = groups.Select(g => new PlannedAction
        {
            Slot = ActionKeys.SlotOf($"group:{g.Key}"),
            Label = $"group #{g.Key[..12]}",
            Inputs = ActionKeys.Order(_def, g.Value),
            GroupKeyHash = g.Key,
        }).ToList();
        if (pending.Count > 0)
            actions.Add(new PlannedAction { Slot = ActionKeys.SlotOf("group:pending"), Label = "groups of items upstream will make", Inputs = pending });
        return actions;
    }

    /// <summary>The canonical JSON of the grouping property's value; "" when absent; null when the metadata object is missing.</summary>
    private string? GroupKeyOf(Item item)
    {
        var metadata = ReadMetadata(item.Metadata);
        if (metadata is null) return null;
        return metadata.Value.ValueKind == JsonValueKind.Object && metadata.Value.TryGetProperty(_def.GroupBy!, out var value)
            && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? CanonicalJson.From(value).Text
            : "";
    }

    private JsonElement? ReadMetadata(ContentHash hash)
    {
        if (hash == CanonicalJson.EmptyObject.Hash) return CanonicalJson.EmptyObject.ToElement();
        var bytes = objects.TryRead(hash);
        if (bytes is null) return null;
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    // ---- execution -----------------------------------------------------------------------------

    private (List<OutputRecord>? Outputs, string? Failure) Execute(PlannedAction action, JsonElement config)
    {
        StageResult result;
        try
        {
            var items = action.Inputs.Select(ToStageItem).ToList();
            var groupKey = action.GroupKeyHash is null ? null : GroupKeyOf(action.Inputs[0]);
            result = stage.Run(new StageInput(items, config, groupKey), cancellationToken);
            if (items.Any(i => i.ChangedSinceOpened())) throw new InputChangedException();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (InputChangedException e) { return (null, e.Message); }
        catch (MissingObjectException e)
        {
            // Forget the actions whose objects vanished, so the next build makes them again.
            foreach (var input in action.Inputs)
                if (input.Producer is { } producer && !objects.Contains(input.Hash)) db.ForgetAction(producer);
            return (null, e.Message);
        }
        catch (Exception e) { return (null, $"the stage threw {e.GetType().Name}"); }
        if (result.IsFailure) return (null, result.FailureReason);
        try
        {
            return Record(action, result);
        }
        finally
        {
            foreach (var output in result.Outputs) output.Release?.Invoke();
        }
    }

    private (List<OutputRecord>? Outputs, string? Failure) Record(PlannedAction action, StageResult result)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in result.Outputs)
        {
            if (StageOutput.CheckPath(output.Path) is { } problem) return (null, $"stage bug: {problem}");
            if (!paths.Add(output.Path)) return (null, "stage bug: two outputs of one action share a path");
            if (output.Metadata is { ValueKind: not JsonValueKind.Object }) return (null, "stage bug: output metadata must be a JSON object");
        }
        var records = new List<OutputRecord>(result.Outputs.Count);
        foreach (var output in result.Outputs)
        {
            // A published pass-through is copied into the store, which the output folder is linked from.
            var content = output.PassThrough is not { } input ? objects.Put(output.Content.Span)
                : _def.Publish ? objects.Put(input.ReadAllBytes()) : input.Hash;
            var metadata = output.Metadata is { } m ? CanonicalJson.From(m) : CanonicalJson.EmptyObject;
            var metadataHash = objects.Put(metadata.ToUtf8());
            records.Add(new OutputRecord(output.Path, content, output.PassThrough?.Size ?? output.Content.Length, metadataHash));
        }
        // Objects are durable now: only then is the action recorded.
        db.RecordAction(action.Key, _def.Id, records);
        return (records, null);
    }

    private StoredStageItem ToStageItem(Item item)
    {
        var path = _def.ReadsInputPaths ? item.Path : null;
        Func<Stream> open = item.SourceFile is { } file
            ? () => fs.OpenRead(file)
            : () => objects.Contains(item.Hash) ? objects.OpenRead(item.Hash) : throw new MissingObjectException();
        Func<bool>? unchanged = item is { SourceFile: { } source, SourceStat: { } stat } && StatTrustedBefore is { } before && stat.MtimeNs < before
            ? () => fs.Stat(source) == stat
            : null;
        return new StoredStageItem(item.Hash, item.Size, path, open,
            () => ReadMetadata(item.Metadata) ?? throw new MissingObjectException(), unchanged);
    }
}
