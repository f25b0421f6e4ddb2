namespace DataForge.Manifest.Model;

/// <summary>
/// The <c>execution:</c> section: where a build runs its actions. No key of it enters an action key or the build
/// fingerprint: a cluster build and a local build of the same manifest make the same bytes.
/// </summary>
public sealed record ExecutionSpec
{
    /// <summary><c>local</c> (this machine's cores) or <c>slurm</c>; <c>build --executor</c> overrides it.</summary>
    public string Executor { get; init; } = "local";

    /// <summary>The <c>slurm:</c> settings, used when the executor is <c>slurm</c>.</summary>
    public SlurmSpec Slurm { get; init; } = new();
}
