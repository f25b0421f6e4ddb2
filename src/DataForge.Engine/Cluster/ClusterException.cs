namespace DataForge.Engine.Cluster;

/// <summary>The cluster cannot take the build's work (sbatch refused it, Slurm is not installed); the message names no PHI.</summary>
public sealed class ClusterException(string message) : Exception(message);
