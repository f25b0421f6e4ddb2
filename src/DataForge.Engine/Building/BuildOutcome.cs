namespace DataForge.Engine.Building;

/// <summary>How a build ended.</summary>
public enum BuildOutcome
{
    /// <summary>The build ran to the end (some items may have failed: see <see cref="BuildResult.Failures"/>).</summary>
    Completed,

    /// <summary>Another build holds the lock and the caller asked not to wait.</summary>
    LockBusy,
}
