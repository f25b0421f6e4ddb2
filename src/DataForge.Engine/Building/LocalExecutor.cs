using DataForge.Engine.FileSystem;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Runs actions on this machine's cores, each through the <see cref="ActionRunner"/> a cluster worker uses too; an
/// action is recorded once its objects are durable. A failing action fails only its item.
/// </summary>
internal sealed class LocalExecutor(IFileSystem fs, StateDatabase db, ObjectStore objects, int jobs, CancellationToken cancellationToken) : IActionExecutor
{
    /// <summary>See <see cref="ActionRunner.StatTrustedBefore"/>.</summary>
    public long? StatTrustedBefore { get; init; }

    public void Run(IStage stage, IReadOnlyList<PlannedAction> actions, Action<int, IReadOnlyList<OutputRecord>?, string?> finished)
    {
        var definition = stage.Definition;
        var config = definition.Config.ToElement();
        var runner = new ActionRunner(fs, objects, cancellationToken) { StatTrustedBefore = StatTrustedBefore };
        Parallel.ForEach(Enumerable.Range(0, actions.Count), new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, i =>
        {
            var action = actions[i];
            var (outputs, failure, missing) = runner.Run(stage, action, config);
            if (missing) ForgetMissingProducers(db, objects, action);
            // Objects are durable now: only then is the action recorded.
            if (outputs is not null) db.RecordAction(action.Key, definition.Id, outputs);
            finished(i, outputs, failure);
        });
    }

    /// <summary>Forgets the actions whose objects vanished, so the next build makes them again.</summary>
    public static void ForgetMissingProducers(StateDatabase db, ObjectStore objects, PlannedAction action)
    {
        foreach (var input in action.Inputs)
            if (input.Producer is { } producer && !objects.Contains(input.Hash)) db.ForgetAction(producer);
    }
}
