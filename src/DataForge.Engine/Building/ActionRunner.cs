using System.Text.Json;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Planning;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;

namespace DataForge.Engine.Building;

/// <summary>
/// Runs one action wherever it runs (this machine's thread pool, or a cluster worker): its inputs are opened from the
/// store (or the source file a pass-through names), the stage runs, and its outputs are stored as objects. It records
/// nothing: the caller records the action once its objects are durable. A failing action (an exception, a failure
/// result, an input that changed while read or is missing from the store) is a failure value, never an exception.
/// </summary>
internal sealed class ActionRunner(IFileSystem fs, ObjectStore objects, CancellationToken cancellationToken)
{
    /// <summary>
    /// This build's file-system clock before the walk: a source file whose stat is the indexed one and older than this is
    /// read without hashing it again (see <see cref="StoredStageItem"/>). Null: every source file read is hashed.
    /// </summary>
    public long? StatTrustedBefore { get; init; }

    /// <summary>
    /// Runs <paramref name="action"/>: its stored outputs, or the reason it failed (naming no PHI) and whether an input
    /// object was missing from the store (the caller forgets the actions that made it, so the next build makes them again).
    /// </summary>
    public (List<OutputRecord>? Outputs, string? Failure, bool MissingInput) Run(IStage stage, PlannedAction action, JsonElement config)
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
        catch (InputChangedException e) { return (null, e.Message, false); }
        catch (MissingObjectException e) { return (null, e.Message, true); }
        catch (Exception e) { return (null, $"the stage threw {e.GetType().Name}", false); }
        if (result.IsFailure) return (null, result.FailureReason, false);
        try
        {
            var (outputs, failure) = Store(definition, result);
            return (outputs, failure, false);
        }
        finally
        {
            foreach (var output in result.Outputs) output.Release?.Invoke();
        }
    }

    private (List<OutputRecord>? Outputs, string? Failure) Store(StageDefinition definition, StageResult result)
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
