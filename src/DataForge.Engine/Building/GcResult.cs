namespace DataForge.Engine.Building;

/// <summary>What gc removed: objects and their bytes, forgotten actions, stray temporary files.</summary>
public sealed record GcResult(BuildOutcome Outcome, int ObjectsRemoved, long BytesFreed, int ActionsForgotten, int TempFilesRemoved, int ObjectsKept)
{
    /// <summary>Damaged copies removed from <c>.dataforge/damaged/</c> (moved there when their bytes no longer matched their name).</summary>
    public int DamagedRemoved { get; init; }

    /// <summary>
    /// Why the shared store (<c>store:</c>) was not swept, or null: another project's last build did not finish, so
    /// its roots may not name what it made. This project's actions were still forgotten and its roots rewritten.
    /// </summary>
    public string? NotSwept { get; init; }
}
