namespace DataForge.Engine.Building;

/// <summary>
/// Per stage: items (actions) in this build, how many ran, how many were served from the cache and
/// how many failed. Total = Executed + Cached + Failed. In a status report, Executed counts what would run.
/// </summary>
public sealed record StageReport(string StageId, int Total, int Executed, int Cached, int Failed);
