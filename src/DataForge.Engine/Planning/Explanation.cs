using DataForge.Engine.Hashing;

namespace DataForge.Engine.Planning;

/// <summary>One action that runs (or would run) and why: the item (source-relative path or short hash) and the reason.</summary>
public sealed record Explanation
{
    private readonly string? _item;
    private readonly Item? _of;

    public Explanation(string StageId, string Item, RunReason Reason)
    {
        this.StageId = StageId;
        _item = Item;
        this.Reason = Reason;
    }

    /// <summary>A map action's explanation: its item's label, made when asked (a first build explains every action).</summary>
    internal Explanation(string stageId, Item of, RunReason reason)
    {
        StageId = stageId;
        _of = of;
        Reason = reason;
    }

    public string StageId { get; init; }

    /// <summary>The item (source-relative path or short hash), or the group or dataset, the action is for.</summary>
    public string Item => _item ?? _of!.Label;

    public RunReason Reason { get; init; }

    /// <summary>
    /// The action the item's slot recorded last (the one this run replaces), or null for an item the store has not
    /// seen: its outputs' metadata name the item as people know it (see <see cref="BuildEngine.PreviousMetadata"/>).
    /// </summary>
    public ContentHash? Previous { get; init; }

    /// <summary>Equal when stage, item text and reason are (however the item's label is held).</summary>
    public bool Equals(Explanation? other) =>
        other is not null && StageId == other.StageId && Item == other.Item && Reason == other.Reason;

    public override int GetHashCode() => HashCode.Combine(StageId, Item, Reason);

    /// <summary>The reason in words, for <c>dataforge status</c>.</summary>
    public string Text => Reason switch
    {
        RunReason.NewInput => "new input",
        RunReason.ChangedInput => "changed input",
        RunReason.ConfigChanged => "config changed",
        RunReason.ImplementationVersionChanged => "implementation version changed",
        RunReason.OutputMissing => "output missing",
        RunReason.UpstreamWillRun => "upstream will run",
        _ => Reason.ToString(),
    };

    public override string ToString() => $"{StageId}: {Item}: {Text}";
}
