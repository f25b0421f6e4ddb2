using System.CommandLine;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>build --executor</c>, and how a Slurm node starts this tool; the manifest's <c>execution:</c> section is bound
/// by the project (<see cref="Project.Slurm"/>).
/// </summary>
public static class ExecutionArguments
{
    public static Option<string?> ExecutorOption() => new("--executor")
    {
        Description = "Where the actions run: local (this machine's cores) or slurm (one sbatch array job per stage wave); overrides execution.executor.",
        HelpName = "local|slurm",
    };

    /// <summary>The Slurm settings when the build runs on Slurm (the option, else the manifest's <c>execution.executor</c>), or null.</summary>
    public static Engine.Cluster.SlurmSettings? Slurm(Project project, string? executor)
    {
        if (executor is not (null or "local" or "slurm")) throw new UserErrorException($"build: --executor must be local or slurm, not '{executor}'");
        return project.Slurm(executor, WorkerCommand);
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
