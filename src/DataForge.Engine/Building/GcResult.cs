namespace DataForge.Engine.Building;

/// <summary>What gc removed: objects and their bytes, forgotten actions, stray temporary files.</summary>
public sealed record GcResult(BuildOutcome Outcome, int ObjectsRemoved, long BytesFreed, int ActionsForgotten, int TempFilesRemoved, int ObjectsKept)
{
    /// <summary>Damaged copies removed from <c>.dataforge/damaged/</c> (moved there when their bytes no longer matched their name).</summary>
    public int DamagedRemoved { get; init; }
}
