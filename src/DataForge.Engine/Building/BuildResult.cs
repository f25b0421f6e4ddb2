using DataForge.Engine.Indexing;
using DataForge.Engine.Planning;

namespace DataForge.Engine.Building;

/// <summary>What a build did, per stage, with every failed item and its reason. The CLI renders it and exits 1 unless <see cref="Succeeded"/>.</summary>
public sealed record BuildResult
{
    public required BuildOutcome Outcome { get; init; }

    /// <summary>Stages in pipeline order.</summary>
    public IReadOnlyList<StageReport> Stages { get; init; } = [];

    /// <summary>Failed items, in pipeline then item order (unreadable source files included, under stage "index").</summary>
    public IReadOnlyList<ItemFailure> Failures { get; init; } = [];

    /// <summary>Why each executed action ran.</summary>
    public IReadOnlyList<Explanation> Executed { get; init; } = [];

    public IndexReport Index { get; init; } = new();

    public OutputReport Output { get; init; } = new(0, 0, 0);

    /// <summary>Things the user should know that are not failures (state.db rebuilt, lock waited for).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>Who held the lock, when <see cref="Outcome"/> is <see cref="BuildOutcome.LockBusy"/>.</summary>
    public string? LockHolder { get; init; }

    /// <summary>True when the build completed and no item failed.</summary>
    public bool Succeeded => Outcome == BuildOutcome.Completed && Failures.Count == 0;

    /// <summary>Actions that ran, over all stages.</summary>
    public int ExecutedCount => Stages.Sum(s => s.Executed);
}
