namespace DataForge.Engine.Building;

/// <summary>
/// What materialising the output folder did: files written (new, changed or restored), kept as they were, and removed
/// as stale (or from the folder the outputs were in before <c>output.path</c> moved); <paramref name="Damaged"/>: store
/// objects found not to hash to their name, moved aside and rebuilt.
/// </summary>
public sealed record OutputReport(int Written, int Kept, int Removed, int Damaged = 0);
