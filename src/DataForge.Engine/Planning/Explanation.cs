namespace DataForge.Engine.Planning;

/// <summary>One action that runs (or would run) and why: the item (source-relative path or short hash) and the reason.</summary>
public sealed record Explanation(string StageId, string Item, RunReason Reason)
{
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
