using System.Diagnostics;
using DataForge.Engine.Building;
using DataForge.Engine.Planning;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Cluster;

/// <summary>
/// Runs a stage wave's actions on Slurm: writes the <see cref="WorkList"/> into the private zone, submits one
/// <c>sbatch --array</c> whose tasks each run <c>dataforge worker</c> on their shard, then polls <c>squeue</c> and the
/// tasks' <see cref="WorkResult"/> files, recording each action in state.db as its result arrives. A task that ends
/// without a result (failed, preempted, timed out, cancelled) is submitted again up to <see cref="SlurmSettings.Retries"/>
/// times; then its actions fail as items. Cancelling the build cancels the jobs it submitted (<c>scancel</c>).
/// Workers never open state.db: they write objects and result files, and only this coordinator records.
/// </summary>
internal sealed class SlurmExecutor(SlurmSettings settings, StoreLayout layout, StateDatabase db, ObjectStore objects,
    IReadOnlyList<SourceSpec> sources, CancellationToken cancellationToken) : IActionExecutor
{
    private readonly SlurmCommands _slurm = new(settings);

    /// <summary>See <see cref="ActionRunner.StatTrustedBefore"/>: shipped in the work list, so a worker trusts the same stats.</summary>
    public long? StatTrustedBefore { get; init; }

    /// <summary>This build's folder under <c>.dataforge/work/</c> (a random id: it names no content).</summary>
    private readonly string _build = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16];

    /// <summary>This build's <see cref="TaskLogs"/> folder, made (and the oldest builds' removed) when the first wave is submitted.</summary>
    private string? _logs;

    public void Run(IStage stage, IReadOnlyList<PlannedAction> actions, Action<int, IReadOnlyList<OutputRecord>?, string?> finished)
    {
        if (actions.Count == 0) return;
        var definition = stage.Definition;
        var relative = $"{WorkFolders.Name}/{_build}/{definition.Id}";
        var folder = Path.Combine(layout.StateRoot, relative);
        PrivateFile.CreateFolder(folder);
        var tasks = Math.Min(actions.Count, settings.MaxArraySize);
        (WorkList.Of(definition.Id, WorkFolders.FingerprintOf(definition), settings.ManifestPath, tasks, actions, sources) with { StatTrustedBefore = StatTrustedBefore }).Write(folder);
        var jobFolder = Path.GetRelativePath(layout.ProjectRoot, folder);
        var logs = _logs ??= TaskLogs.Start(layout, _build);
        var logPattern = Path.GetRelativePath(layout.ProjectRoot, TaskLogs.Pattern(logs, definition.Id));
        var attempts = new int[tasks];
        var taskJob = new string[tasks];
        var open = new SortedSet<int>(Enumerable.Range(0, tasks));
        var jobs = new List<string>();

        void Submit(IReadOnlyList<int> which)
        {
            var job = _slurm.Submit(definition.Id, layout.ProjectRoot, jobFolder, logPattern, which);
            jobs.Add(job);
            File.AppendAllText(Path.Combine(folder, WorkFolders.JobsFile), job + "\n");
            foreach (var t in which) (taskJob[t], attempts[t]) = (job, attempts[t] + 1);
        }

        void Ingest(int t, WorkResult result)
        {
            var shard = WorkList.Shard(t, tasks, actions.Count);
            var (start, _) = shard.GetOffsetAndLength(actions.Count);
            for (var n = 0; n < result.Actions.Count; n++)
            {
                var i = start + n;
                var r = result.Actions[n];
                if (r.Key != actions[i].Key.Hex) throw new ClusterException($"the result of task {t} of stage {definition.Id} does not match its work list");
                if (r.MissingInput) LocalExecutor.ForgetMissingProducers(db, objects, actions[i]);
                var records = r.Records();
                if (records is not null) db.RecordAction(actions[i].Key, definition.Id, records);
                finished(i, records, records is null ? r.Failure ?? "the worker gave no reason" : null);
            }
        }

        void Fail(int t, string reason)
        {
            var (start, length) = WorkList.Shard(t, tasks, actions.Count).GetOffsetAndLength(actions.Count);
            for (var i = start; i < start + length; i++) finished(i, null, reason);
        }

        try
        {
            Poll();
        }
        catch
        {
            // Cancelled, or Slurm could not be asked or refused a submission: the jobs this wave submitted are not left
            // running for a build that has ended. On this thread, before the build ends: the process may exit as soon
            // as a cancellation reaches the CLI.
            try { _slurm.Cancel(jobs); }
            catch (ClusterException) { }
            throw;
        }
        finally
        {
            TaskLogs.Seal(logs, definition.Id);
        }
        // Every task ended and every result is recorded: the work folder has done its job.
        WorkFolders.Remove(layout, folder);

        // A task's result when it is there and has an entry for every action of its shard (a damaged or foreign file
        // with fewer would report actions as done that never ran): anything else is no result.
        WorkResult? Whole(int t) =>
            WorkResult.TryRead(folder, t) is { } result && result.Actions.Count == WorkList.Shard(t, tasks, actions.Count).GetOffsetAndLength(actions.Count).Length
                ? result : null;

        void Poll()
        {
            var unanswered = 0;
            Submit([.. open]);
            var asked = Stopwatch.StartNew();
            var completed = new Dictionary<int, Stopwatch>();
            while (open.Count > 0)
            {
                // Result files are looked for often (a stat each), squeue asked every poll interval: a wave's last
                // result is recorded within a tenth of a second, and the scheduler is not asked more than the user set.
                Wait(ResultInterval);
                // One listing of the folder, not a stat per open task (a wave may have thousands, on NFS).
                foreach (var t in WorkResult.Present(folder).Where(open.Contains).ToList())
                    if (Whole(t) is { } result)
                    {
                        Ingest(t, result);
                        open.Remove(t);
                    }
                if (open.Count == 0 || asked.Elapsed < settings.PollInterval) continue;
                asked.Restart();
                Dictionary<(string, int), string> states;
                try
                {
                    states = _slurm.States(open.Select(t => taskJob[t]));
                    unanswered = 0;
                }
                catch (ClusterException) when (++unanswered < UnansweredPolls)
                {
                    // A busy scheduler times out now and then ("Socket timed out on send/recv"): asked again next round.
                    continue;
                }
                var again = new List<int>();
                foreach (var t in open.ToList())
                {
                    var state = states.GetValueOrDefault((taskJob[t], t));
                    if (state is not null && !SlurmCommands.HasEnded(state)) continue;
                    // Ended (or forgotten by Slurm): its result may have landed since the look above.
                    if (Whole(t) is { } late)
                    {
                        Ingest(t, late);
                        open.Remove(t);
                        continue;
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                    // A task that completed wrote its result before it exited: on NFS the coordinator may not see the
                    // file yet (attribute caching), so it waits a while before taking the task as lost.
                    if (state == "COMPLETED" && (completed.TryAdd(t, Stopwatch.StartNew()) || completed[t].Elapsed < CompletedGrace)) continue;
                    completed.Remove(t);
                    if (attempts[t] <= settings.Retries) again.Add(t);
                    else
                    {
                        Fail(t, TaskLogs.Failure(layout.ProjectRoot, logs, definition.Id, t, state, attempts[t]));
                        open.Remove(t);
                    }
                }
                if (again.Count > 0) Submit(again);
            }
        }
    }

    /// <summary>How many polls in a row squeue may fail before the build gives up on the cluster (and cancels its jobs).</summary>
    private const int UnansweredPolls = 5;

    /// <summary>How long a task Slurm calls COMPLETED may take to show its result file (NFS caches directory listings).</summary>
    private static readonly TimeSpan CompletedGrace = TimeSpan.FromSeconds(30);

    /// <summary>How often the result files are looked for (at most the poll interval).</summary>
    private TimeSpan ResultInterval => TimeSpan.FromTicks(Math.Min(settings.PollInterval.Ticks, TimeSpan.FromMilliseconds(100).Ticks));

    private void Wait(TimeSpan interval)
    {
        if (cancellationToken.WaitHandle.WaitOne(interval)) cancellationToken.ThrowIfCancellationRequested();
    }
}
