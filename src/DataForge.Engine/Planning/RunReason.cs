namespace DataForge.Engine.Planning;

/// <summary>Why an action runs, like ninja's <c>-d explain</c>.</summary>
public enum RunReason
{
    /// <summary>No action ran before for this input item, group or stage.</summary>
    NewInput,

    /// <summary>An input's content changed, an input came or went, or the upstream action that made an input changed.</summary>
    ChangedInput,

    /// <summary>The stage's config (or shape, grouping, path use) changed.</summary>
    ConfigChanged,

    /// <summary>The stage's implementation version changed.</summary>
    ImplementationVersionChanged,

    /// <summary>Nothing changed, but the recorded outputs are missing from the store (or the action failed last time).</summary>
    OutputMissing,

    /// <summary>Status only: an upstream action will run first, so this one's inputs are not known yet.</summary>
    UpstreamWillRun,
}
