namespace DataForge.Engine.Cluster;

/// <summary>
/// How a build runs its actions on Slurm (<c>execution: executor: slurm</c>): what each stage wave's
/// <c>sbatch --array</c> asks for, and how the coordinator starts a worker. None of it enters an action key. Its
/// defaults are those of the manifest's <c>execution.slurm:</c> keys, stated here only (the project binds the keys the
/// manifest gives over them).
/// </summary>
public sealed record SlurmSettings
{
    /// <summary><c>sbatch --partition</c>; the cluster's default when null.</summary>
    public string? Partition { get; init; }

    /// <summary><c>sbatch --account</c>.</summary>
    public string? Account { get; init; }

    /// <summary><c>sbatch --time</c> per task.</summary>
    public string? TimeLimit { get; init; }

    /// <summary><c>sbatch --cpus-per-task</c>: a task runs this many of its actions at once.</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary><c>sbatch --mem</c> per task.</summary>
    public string? MemPerTask { get; init; }

    /// <summary>At most this many array tasks per stage wave.</summary>
    public int MaxArraySize { get; init; } = 1000;

    /// <summary>Further <c>sbatch</c> flags, as given.</summary>
    public IReadOnlyList<string> SbatchFlags { get; init; } = [];

    /// <summary>How many times a task that ended without a result (failed, preempted, timed out, cancelled) is submitted again.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>How often the coordinator asks <c>squeue</c> and looks for result files.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The program and leading arguments that run this tool on a node (<c>dataforge</c>, or <c>dotnet dataforge.dll</c>).</summary>
    public required IReadOnlyList<string> WorkerCommand { get; init; }

    /// <summary>The manifest's path relative to the project folder (the jobs' working folder).</summary>
    public required string ManifestPath { get; init; }

    /// <summary>Variables the Slurm commands need beyond this process's environment (e.g. <c>SLURM_CONF</c>); they reach the jobs too.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Variables taken out of the Slurm commands' environment (the shared action cache's password): <c>sbatch</c> copies its
    /// whole environment into every task and into Slurm's spool, and the workers never need them.
    /// </summary>
    public IReadOnlyList<string> WithheldVariables { get; init; } = [];

    /// <summary>Where <c>sbatch</c>, <c>squeue</c> and <c>scancel</c> are; null: found on PATH.</summary>
    public string? ToolFolder { get; init; }
}
