using System.Text.Json;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Runs actions on this machine's cores: each action's inputs are opened from the store (or the source file a
/// pass-through names), the stage runs, its outputs are stored as objects and the action is recorded once they are
/// durable. A failing action (an exception, a failure result, an input that changed while read) fails only its item.
/// </summary>
internal sealed class LocalExecutor(IFileSystem fs, StateDatabase db, ObjectStore objects, int jobs, CancellationToken cancellationToken) : IActionExecutor
{
    /// <summary>
    /// This build's file-system clock before the walk: a source file whose stat is the indexed one and older than this is
    /// read without hashing it again (see <see cref="StoredStageItem"/>).
    /// </summary>
    public long? StatTrustedBefore { get; init; }

    public void Run(IStage stage, IReadOnlyList<PlannedAction> actions, Action<int, IReadOnlyList<OutputRecord>?, string?> finished)
    {
        var definition = stage.Definition;
        var config = definition.Config.ToElement();
        Parallel.ForEach(Enumerable.Range(0, actions.Count), new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken }, i =>
        {
            var (outputs, failure) = Execute(stage, actions[i], config);
            finished(i, outputs, failure);
        });
    }

    private (List<OutputRecord>? Outputs, string? Failure) Execute(IStage stage, PlannedAction action, JsonElement config)
    {
        var definition = stage.Definition;
        StageResult result;
        try
        {
            var items = action.Inputs.Select(i => ToStageItem(definition, i)).ToList();
            var groupKey = action.GroupKeyHash is null ? null : StageMetadata.GroupKeyOf(objects, action.Inputs[0], definition.GroupBy!);
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
            return Record(definition, action, result);
        }
        finally
        {
            foreach (var output in result.Outputs) output.Release?.Invoke();
        }
    }

    private (List<OutputRecord>? Outputs, string? Failure) Record(StageDefinition definition, PlannedAction action, StageResult result)
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
                : definition.Publish ? objects.Put(input.ReadAllBytes()) : input.Hash;
            var metadata = output.Metadata is { } m ? CanonicalJson.From(m) : CanonicalJson.EmptyObject;
            var metadataHash = objects.Put(metadata.ToUtf8());
            records.Add(new OutputRecord(output.Path, content, output.PassThrough?.Size ?? output.Content.Length, metadataHash));
        }
        // Objects are durable now: only then is the action recorded.
        db.RecordAction(action.Key, definition.Id, records);
        return (records, null);
    }

    private StoredStageItem ToStageItem(StageDefinition definition, Item item)
    {
        var path = definition.ReadsInputPaths ? item.Path : null;
        Func<Stream> open = item.SourceFile is { } file
            ? () => fs.OpenRead(file)
            : () => objects.Contains(item.Hash) ? objects.OpenRead(item.Hash) : throw new MissingObjectException();
        Func<bool>? unchanged = item is { SourceFile: { } source, SourceStat: { } stat } && StatTrustedBefore is { } before && stat.MtimeNs < before
            ? () => fs.Stat(source) == stat
            : null;
        return new StoredStageItem(item.Hash, item.Size, path, open,
            () => StageMetadata.Read(objects, item.Metadata) ?? throw new MissingObjectException(), unchanged);
    }
}
