using System.Collections.Concurrent;
using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// One stage in a build or a status, in three steps (ninja's Plan and Builder, Bazel's analysis and execution):
/// <see cref="Plan(StageInputs)"/> computes each action's key, serves it from the cache when the key is recorded and says why the
/// others run, writing nothing; <see cref="Execute"/> (a build only) records what the plan found and runs the rest on
/// an <see cref="IActionExecutor"/>; <see cref="Finish"/> records the stage's bookkeeping (a build) and gives the items
/// later stages read, with one pending item per action that would run (a status). A failing action fails only its item.
/// </summary>
internal sealed class StageRun(IStage stage, StateDatabase db, ObjectStore objects)
{
    /// <summary>Told after each action that ran; called from worker threads.</summary>
    public Action<BuildProgress>? Progress { get; init; }

    /// <summary>Prints phase times when profiling (see <see cref="PhaseClock"/>).</summary>
    public PhaseClock Clock { get; init; } = PhaseClock.FromEnvironment();

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

    /// <summary>
    /// A cache of actions other projects and machines recorded (<c>state: postgres://…</c>), or null: planning asks it,
    /// in one batch, for the actions state.db does not hold; every action this build records is told to it.
    /// </summary>
    public SharedActions? Shared { get; init; }

    /// <summary>Actions served from <see cref="Shared"/> in this run (recorded in state.db by <see cref="Execute"/>).</summary>
    private int _sharedHits;

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
        Outcomes.Count(o => o == ActionOutcome.Failed) + _planFailures) { KeysComputed = _keysComputed, RowsRead = _rowsRead, ActionLookups = _actionLookups, ItemsMade = _itemsMade, SharedHits = _sharedHits };

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

    // What Plan found, for Execute and Finish.
    private StageInputs _inputs = null!;
    private List<OutputRecord>?[] _results = [];
    private bool[] _same = [];
    private readonly List<int> _toRun = [];
    private Dictionary<string, SlotRecord>? _slots;
    private Dictionary<ContentHash, List<OutputRecord>>? _slotOutputs;
    private long _rowsBefore, _lookupsBefore;

    /// <summary>Writes the plan found due (a slot that names another recorded action, a recorded action whose objects are gone, a group key), made by a build before it runs anything.</summary>
    private readonly List<Action> _planWrites = [];

    private bool _planWritten;

    /// <summary>Plans the stage over all its inputs (see <see cref="Plan(StageInputs)"/>).</summary>
    public void Plan(IReadOnlyList<Item> inputs) => Plan(new StageInputs(inputs));

    /// <summary>
    /// Plans the stage: every action's outcome is <see cref="ActionOutcome.Cached"/> (its outputs known) or
    /// <see cref="ActionOutcome.WouldRun"/> (with the reason in <see cref="Explanations"/>). Writes nothing: what the
    /// plan would record is kept for <see cref="Execute"/>. An action whose stage has no action recorded at all is
    /// new, and its key is computed only when it runs.
    /// </summary>
    public void Plan(StageInputs inputs)
    {
        _inputs = inputs;
        var definitionHash = DefinitionHash;
        var fingerprint = Fingerprint;
        var memo = Memo;
        _rowsBefore = db.RowsRead;
        _lookupsBefore = db.ActionLookups;
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
            actions = PlanActions(inputs.All);
            tc.Mark($"{_def.Id}: plan");
        }
        _slots = slots;
        _slotOutputs = slotOutputs;
        Outcomes = new ActionOutcome[actions.Count];
        Actions = actions;
        var results = _results = new List<OutputRecord>?[actions.Count];
        var same = _same = new bool[actions.Count]; // the action is the last build's: its outputs are Unchanged items
        var toRun = _toRun;
        // A stage with no action recorded (its first build, or status before it) can find none: no key is looked up,
        // unless a shared cache may hold it (then state.db alone is not asked).
        var noneLocal = !db.HasActions(_def.Id);
        var noActions = noneLocal && Shared is null;
        // Local misses a shared cache is asked about, in one batch after the loop; explanations in action order.
        var deferred = new List<int>();
        var explained = new List<(int Action, Explanation Why)>();

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
                // The slot of a map action over a pending item is its item's; a group's is its key's. Either may name the last run.
                var pendingSlot = (slots ?? found) is { Count: > 0 } table ? table.GetValueOrDefault(action.Slot) : null;
                explained.Add((i, new Explanation(_def.Id, action.Label, RunReason.UpstreamWillRun) { Previous = pendingSlot?.Action }));
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
            if (slot is null && noActions)
            {
                // A store that recorded no action of this stage: this one is new, and its key could find nothing
                // (computed when it runs).
                explained.Add((i, Explain(action, RunReason.NewInput)));
                Outcomes[i] = ActionOutcome.WouldRun;
                toRun.Add(i);
                continue;
            }
            action.InputsHash = ActionKeys.InputsHash(_def, action.Inputs, action.GroupKeyHash);
            action.Key = ActionKeys.Key(_def, definitionHash, action.InputsHash);
            _keysComputed++;
            var recorded = slotOutputs?.GetValueOrDefault(action.Key) ?? (noneLocal ? null : db.FindAction(action.Key));
            var intact = recorded is not null && (!_def.Publish || recorded.All(o => objects.Contains(o.Object)));
            same[i] = memo is not null && slot?.Action == action.Key;
            if (intact)
            {
                Outcomes[i] = ActionOutcome.Cached;
                results[i] = recorded;
                if (slot?.Action != action.Key)
                {
                    var record = Record(action, definitionHash);
                    _planWrites.Add(() => db.PutSlot(_def.Id, action.Slot, record));
                }
                continue;
            }
            if (recorded is not null)
            {
                var stale = action.Key;
                _planWrites.Add(() => db.ForgetAction(stale));
            }
            if (Shared is not null)
            {
                deferred.Add(i);
                continue;
            }
            explained.Add((i, Explain(action, Explain(slot, definitionHash, action)) with { Previous = slot?.Action }));
            Outcomes[i] = ActionOutcome.WouldRun;
            toRun.Add(i);
        }
        tc.Mark($"{_def.Id}: keys");
        if (deferred.Count > 0) PlanShared(deferred, slots ?? found!, definitionHash, explained);
        Explanations.AddRange(explained.OrderBy(e => e.Action).Select(e => e.Why));
    }

    /// <summary>
    /// The local misses of a plan, asked of the shared cache in one batch: a hit whose objects are all in the store is
    /// served (recorded in state.db, with its slot, when the build executes), the rest run with their reason.
    /// </summary>
    private void PlanShared(List<int> deferred, Dictionary<string, SlotRecord> slots, ContentHash definitionHash, List<(int, Explanation)> explained)
    {
        var hits = Shared!.Find(_def, deferred.Select(i => Actions[i]).ToList());
        foreach (var i in deferred)
        {
            var action = Actions[i];
            var slot = slots.Count == 0 ? null : slots.GetValueOrDefault(action.Slot);
            if (hits.TryGetValue(action.Key, out var outputs))
            {
                Outcomes[i] = ActionOutcome.Cached;
                _results[i] = outputs;
                _sharedHits++;
                var record = Record(action, definitionHash);
                _planWrites.Add(() =>
                {
                    db.RecordAction(action.Key, _def.Id, outputs);
                    db.PutSlot(_def.Id, action.Slot, record);
                });
                continue;
            }
            explained.Add((i, Explain(action, Explain(slot, definitionHash, action)) with { Previous = slot?.Action }));
            Outcomes[i] = ActionOutcome.WouldRun;
            _toRun.Add(i);
        }
        _toRun.Sort();
        Clock.Mark($"{_def.Id}: shared cache");
    }

    /// <summary>
    /// A build: records what the plan found (see <see cref="_planWrites"/>), then runs the actions the plan left to run
    /// on <paramref name="executor"/>, computing the key of any the plan did not (a stage's first build).
    /// </summary>
    public void Execute(IActionExecutor executor)
    {
        WritePlan();
        if (_toRun.Count == 0) return;
        var definitionHash = DefinitionHash;
        var actions = _toRun.Select(i => Actions[i]).ToList();
        foreach (var action in actions)
        {
            if (action.Key != default) continue;
            action.InputsHash = ActionKeys.InputsHash(_def, action.Inputs, action.GroupKeyHash);
            action.Key = ActionKeys.Key(_def, definitionHash, action.InputsHash);
            _keysComputed++;
        }
        var failures = new ConcurrentDictionary<int, string>();
        var done = 0;
        Progress?.Invoke(new BuildProgress(_def.Id, 0, actions.Count));
        // Recording writes a few rows per action all over state.db: unmapped meanwhile (see StateDatabase.Unmapped).
        using (db.Unmapped())
        {
            executor.Run(stage, actions, (n, outputs, failure) =>
            {
                if (failure is null)
                {
                    // Nobody reads them: not kept (a first build of 100,000 items would hold them all to the end).
                    if (OutputsNeeded) _results[_toRun[n]] = outputs!.ToList();
                    db.PutSlot(_def.Id, actions[n].Slot, Record(actions[n], definitionHash));
                    // Recorded in state.db by the executor: told to the shared cache too, whichever executor ran it.
                    Shared?.Record(actions[n].Key, _def.Id, outputs!);
                }
                else failures[n] = failure;
                Progress?.Invoke(new BuildProgress(_def.Id, Interlocked.Increment(ref done), actions.Count));
            });
        }
        Shared?.Flush();
        for (var n = 0; n < actions.Count; n++)
        {
            var i = _toRun[n];
            if (failures.TryGetValue(n, out var reason))
            {
                Outcomes[i] = ActionOutcome.Failed;
                Failures.Add(new ItemFailure(_def.Id, actions[n].Label, reason));
            }
            else Outcomes[i] = ActionOutcome.Executed;
        }
    }

    private void WritePlan()
    {
        if (_planWritten) return;
        _planWritten = true;
        foreach (var write in _planWrites) write();
    }

    /// <summary>
    /// Ends the stage: a build (<paramref name="record"/>) drops the slots no input names, records the stage's memo when
    /// every action is done, and commits; a status lists the paths its last run published that may change. Then the
    /// items later stages read: each action's outputs, or one pending item per action that would run.
    /// </summary>
    public void Finish(bool record)
    {
        var actions = Actions;
        var results = _results;
        var same = _same;
        var inputs = _inputs;
        var slots = _slots;
        var slotOutputs = _slotOutputs;
        var tc = Clock;
        if (record)
        {
            WritePlan();
            if (slots is { Count: > 0 })
            {
                var current = actions.Select(a => a.Slot).ToHashSet(StringComparer.Ordinal);
                foreach (var slot in slots.Keys)
                    if (!current.Contains(slot)) db.DeleteSlot(_def.Id, slot);
            }
            else foreach (var slot in _staleSlots) db.DeleteSlot(_def.Id, slot);
            // Every action done: the next build may take what did not change as it is.
            if (_planFailures == 0 && Outcomes.All(o => o is ActionOutcome.Cached or ActionOutcome.Executed))
                db.SetMeta(InputsKey(_def.Id), new StageMemo(Fingerprint, inputs.Count, actions.Count + _kept).ToString());
            db.Commit();
        }
        _itemsMade = inputs.MadeAll ? inputs.Count : inputs.Changed.Count;
        _rowsRead = db.RowsRead - _rowsBefore;
        _actionLookups = db.ActionLookups - _lookupsBefore;

        // Status: a published stage with actions to run may make again, or no longer make, what its last run published.
        if (!record && _def.Publish && slotOutputs is not null && Outcomes.Contains(ActionOutcome.WouldRun))
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
            var slot = action.Slot; // made once for all the action's outputs
            foreach (var o in outputs)
            {
                var item = OutputItem(_def.Id, slot, o, action.Key, action.Inputs, objects);
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

    private List<PlannedAction> PlanActions(IReadOnlyList<Item> inputs)
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
                var key = StageMetadata.GroupKeyOf(objects, item, property);
                if (key is null)
                {
                    Failures.Add(new ItemFailure(_def.Id, item.Label, "metadata object missing from the store; run gc and build again"));
                    _planFailures++;
                    continue;
                }
                keyHash = key.Length == 0 ? "" : ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(key)).Hex;
                known[item.Metadata] = keyHash;
                var (metadata, hash) = (item.Metadata, keyHash);
                _planWrites.Add(() => db.PutGroupKey(metadata, property, hash));
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
}
