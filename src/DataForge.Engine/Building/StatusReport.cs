using DataForge.Engine.Indexing;
using DataForge.Engine.Planning;

namespace DataForge.Engine.Building;

/// <summary>
/// What a build would do now, without doing it: per stage the counts (Executed = would run,
/// Cached = up to date), every action that would run with its reason, and output-folder repairs.
/// </summary>
public sealed record StatusReport
{
    public IReadOnlyList<StageReport> Stages { get; init; } = [];

    public IReadOnlyList<Explanation> WouldRun { get; init; } = [];

    public IndexReport Index { get; init; } = new();

    /// <summary>Output files that are missing or differ and would be restored from the store (for stages whose actions are up to date).</summary>
    public int OutputsToRestore { get; init; }

    /// <summary>Output files that no longer belong to the build and would be removed.</summary>
    public int OutputsToRemove { get; init; }

    /// <summary>
    /// Output files the last build published from stages with actions to run: made again or removed depending on what
    /// those actions make, so counted neither in <see cref="OutputsToRestore"/> nor in <see cref="OutputsToRemove"/>.
    /// </summary>
    public int OutputsPending { get; init; }

    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>True when a build would do nothing.</summary>
    public bool UpToDate => WouldRun.Count == 0 && OutputsToRestore == 0 && OutputsToRemove == 0 && Index.Removed == 0;
}
