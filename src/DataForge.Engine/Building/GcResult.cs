namespace DataForge.Engine.Building;

/// <summary>What gc removed: objects and their bytes, forgotten actions, stray temporary files.</summary>
public sealed record GcResult(BuildOutcome Outcome, int ObjectsRemoved, long BytesFreed, int ActionsForgotten, int TempFilesRemoved, int ObjectsKept);
