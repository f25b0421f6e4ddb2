namespace DataForge.Engine.Building;

/// <summary>How to run a build (and gc, which takes the same lock).</summary>
public sealed record BuildOptions
{
    /// <summary>Actions and hashes run at once (<c>-j N</c>); defaults to the number of cores.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>When another build holds the lock: false waits for it, true returns <see cref="BuildOutcome.LockBusy"/> at once (<c>--no-wait</c>).</summary>
    public bool NoWait { get; init; }

    /// <summary>Receives messages for the user while the build runs (waiting for a lock, state.db rebuilt). Never content.</summary>
    public Action<string>? OnMessage { get; init; }

    /// <summary>How often a waiting build retries the lock.</summary>
    public TimeSpan LockPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Told when a stage starts running actions and after each one (for progress bars); called from worker threads. Never content.</summary>
    public Action<BuildProgress>? OnProgress { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Runs the actions on Slurm (<c>execution: executor: slurm</c>, <c>build --executor slurm</c>); null: on this machine's cores.</summary>
    public Cluster.SlurmSettings? Slurm { get; init; }
}
