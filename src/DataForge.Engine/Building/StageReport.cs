namespace DataForge.Engine.Building;

/// <summary>
/// Per stage: items (actions) in this build, how many ran, how many were served from the cache and
/// how many failed. Total = Executed + Cached + Failed. In a status report, Executed counts what would run.
/// </summary>
public sealed record StageReport(string StageId, int Total, int Executed, int Cached, int Failed)
{
    /// <summary>
    /// Actions whose key was computed from their inputs (per-item planning). 0 when the stage's inputs
    /// were those of the last build and its results came from state.db as a whole (see StageRun), or
    /// when the whole build was a no-op.
    /// </summary>
    public int KeysComputed { get; init; }

    /// <summary>Rows of state.db's slot, action and group-key tables the stage read (for tests: O(changed) planning reads few).</summary>
    public long RowsRead { get; init; }

    /// <summary>
    /// Input items made for the stage: all of them, or only the changed ones for a stage that plans only those
    /// (see <see cref="Planning.StageInputs"/>; for tests: a one-change build makes one).
    /// </summary>
    public int ItemsMade { get; init; }

    /// <summary>Recorded actions looked up by key (one query each, found or not): none on a store that recorded none, as in a first build.</summary>
    public long ActionLookups { get; init; }

    /// <summary>Of <see cref="Cached"/>, the actions served from the shared action cache (made by another project or machine).</summary>
    public int SharedHits { get; init; }
}
