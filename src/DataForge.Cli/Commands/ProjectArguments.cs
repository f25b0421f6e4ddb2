using DataForge.Engine.Building;
using DataForge.Projects;

namespace DataForge.Cli.Commands;

/// <summary>Opening the project of <c>-f FILE</c> for a command, and the engine options from its arguments.</summary>
public static class ProjectArguments
{
    /// <summary>
    /// Loads the manifest and binds the project (<see cref="Project.Open"/>). <paramref name="writes"/>:
    /// the command may create the secret and record vault numbers (build, gc). <paramref name="opensActionCache"/>: false
    /// where the shared action cache must stay closed (a cluster worker: the coordinator records and shares every result).
    /// </summary>
    public static Project Open(CliContext context, string file, bool writes = false, bool requiresSecret = false, bool allowNewSecret = false,
        bool opensActionCache = true) =>
        Project.Open(ManifestArguments.LoadOrFail(context, file), Options(context, writes, requiresSecret, allowNewSecret) with { OpensActionCache = opensActionCache });

    public static ProjectOptions Options(CliContext context, bool writes = false, bool requiresSecret = false, bool allowNewSecret = false) => new()
    {
        Environment = context.Environment,
        Writes = writes,
        RequiresSecret = requiresSecret,
        AllowNewSecret = allowNewSecret,
        Note = context.Console.Note,
    };

    public static BuildOptions Engine(CliContext context, int jobs, bool noWait = false) => new()
    {
        Jobs = jobs > 0 ? jobs : Environment.ProcessorCount,
        NoWait = noWait,
        OnMessage = message => context.Console.Note(message),
    };
}
