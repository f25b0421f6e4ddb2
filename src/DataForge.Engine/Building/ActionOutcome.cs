namespace DataForge.Engine.Building;

/// <summary>How one planned action ended in this build.</summary>
internal enum ActionOutcome
{
    Cached,
    Executed,
    Failed,
    WouldRun,
}
