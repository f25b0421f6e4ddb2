namespace DataForge.Release.Tests.Cluster;

/// <summary>The cluster tests run one at a time: each starts its own Slurm, and a build on two cores takes them all.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection
{
    public const string Name = "slurm";
}
