using System.CommandLine;
using DataForge.Engine.Cluster;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary><c>build --executor</c> and the manifest's <c>execution:</c> section, turned into the engine's executor settings.</summary>
public static class ExecutionArguments
{
    /// <summary>Variables the Slurm commands read that a caller may set for this run only (tests set them per command).</summary>
    private static readonly string[] SlurmVariables = ["SLURM_CONF"];

    public static Option<string?> ExecutorOption() => new("--executor")
    {
        Description = "Where the actions run: local (this machine's cores) or slurm (one sbatch array job per stage wave); overrides execution.executor.",
        HelpName = "local|slurm",
    };

    /// <summary>The Slurm settings when the build runs on Slurm (the option, else the manifest's <c>execution.executor</c>), or null.</summary>
    public static SlurmSettings? Slurm(CliContext context, Project project, string? executor)
    {
        var manifest = project.Manifest;
        var chosen = executor ?? manifest.Execution.Executor;
        if (chosen is not ("local" or "slurm")) throw new UserErrorException($"build: --executor must be local or slurm, not '{chosen}'");
        if (chosen == "local") return null;
        var spec = manifest.Execution.Slurm;
        var root = project.Zone.Layout.ProjectRoot;
        return new SlurmSettings
        {
            Partition = spec.Partition,
            Account = spec.Account,
            TimeLimit = spec.TimeLimit,
            CpusPerTask = spec.CpusPerTask,
            MemPerTask = spec.MemPerTask,
            MaxArraySize = spec.MaxArraySize,
            SbatchFlags = spec.SbatchFlags,
            Retries = spec.Retries,
            PollInterval = TimeSpan.FromSeconds(spec.PollSeconds),
            WorkerCommand = WorkerCommand(),
            ManifestPath = Path.GetRelativePath(root, Path.GetFullPath(manifest.FilePath, manifest.BaseDirectory)),
            Environment = SlurmEnvironment(context),
            WithheldVariables = project.ActionCacheCredentialVariables,
        };
    }

    /// <summary>The Slurm variables this run sets (beyond the process's own environment), for the Slurm commands.</summary>
    public static IReadOnlyDictionary<string, string> SlurmEnvironment(CliContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in SlurmVariables)
            if (context.Environment(name) is { Length: > 0 } value) environment[name] = value;
        return environment;
    }

    /// <summary>
    /// How a node starts this tool: the running executable, or <c>dotnet dataforge.dll</c> when it runs under the
    /// dotnet host (as in the tests, or <c>dotnet run</c>). The nodes see it at the same path on the shared file system.
    /// </summary>
    private static IReadOnlyList<string> WorkerCommand()
    {
        var process = Environment.ProcessPath ?? throw new UserErrorException("build: cannot tell where this tool's executable is, which the Slurm workers run", ExitCodes.Failed);
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(Program).Assembly.Location] : [process];
    }
}
