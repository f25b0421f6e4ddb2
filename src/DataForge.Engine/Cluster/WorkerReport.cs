namespace DataForge.Engine.Cluster;

/// <summary>What a worker did: how many actions it ran and how many failed, or why it refused them all (then none ran).</summary>
public sealed record WorkerReport(int Actions, int Failed, string? Refused);
