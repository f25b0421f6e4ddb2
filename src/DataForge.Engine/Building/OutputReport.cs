namespace DataForge.Engine.Building;

/// <summary>What materialising the output folder did: files written (new or changed), kept as they were, and removed as stale.</summary>
public sealed record OutputReport(int Written, int Kept, int Removed);
