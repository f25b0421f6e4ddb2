namespace DataForge.Manifest.Model;

/// <summary>
/// The <c>execution.slurm:</c> settings as the manifest gives them (what each <c>sbatch --array</c> of a stage wave asks
/// for): null where it says nothing. The defaults are stated once, by the engine's <c>Cluster.SlurmSettings</c>, into
/// which the project binds this section.
/// </summary>
public sealed record SlurmSpec
{
    /// <summary><c>sbatch --partition</c>; the cluster's default when null.</summary>
    public string? Partition { get; init; }

    /// <summary><c>sbatch --account</c>.</summary>
    public string? Account { get; init; }

    /// <summary><c>sbatch --time</c> per task (Slurm's formats).</summary>
    public string? TimeLimit { get; init; }

    /// <summary><c>sbatch --cpus-per-task</c>: a task runs this many of its actions at once.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary><c>sbatch --mem</c> per task (e.g. <c>4G</c>).</summary>
    public string? MemPerTask { get; init; }

    /// <summary>At most this many array tasks per stage wave; the actions are shared out among them.</summary>
    public int? MaxArraySize { get; init; }

    /// <summary>Further <c>sbatch</c> flags, passed as given (e.g. <c>--qos=short</c>).</summary>
    public IReadOnlyList<string>? SbatchFlags { get; init; }

    /// <summary>How many times a task that failed, was preempted or timed out is submitted again.</summary>
    public int? Retries { get; init; }

    /// <summary>How often the coordinator asks <c>squeue</c> and looks for result files, in seconds.</summary>
    public double? PollSeconds { get; init; }
}
