namespace DataForge.Engine.Building;

/// <summary>Progress of one stage: actions finished (ran or failed) of those that run in this build.</summary>
public sealed record BuildProgress(string StageId, int Done, int Total);
