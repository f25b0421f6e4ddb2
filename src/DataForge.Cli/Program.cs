using System.CommandLine;
using DataForge.Cli.Commands;

namespace DataForge.Cli;

/// <summary>The only entry point: parses the command line and turns outcomes into exit codes.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, CliContext.FromProcess());

    /// <summary>Runs one command line; tests call this with their own context.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("""
            DataForge: dataset-as-code for medical imaging. A declarative dataforge.yaml says where raw
            exports are and how to curate, de-identify, harmonise, label and split them; dataforge build
            makes the dataset incrementally, and releases are versioned with Git.

            Example:
              dataforge init my-dataset && cd my-dataset && dataforge validate
            """);
        foreach (var command in Commands(context)) root.Subcommands.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A mistyped command: one line that names the closest one, instead of "no command" and "unrecognized".
            if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
            {
                var closest = Manifest.Suggest.Closest(args[0], root.Subcommands.Select(c => c.Name));
                context.Console.Problem($"dataforge: '{args[0]}' is not a command" + (closest is null ? "" : $"; did you mean '{closest}'?"));
                context.Console.Note("Run 'dataforge --help' for the commands.");
                return ExitCodes.Usage;
            }
            foreach (var error in parse.Errors) context.Console.Problem("dataforge: " + error.Message);
            context.Console.Note("Run 'dataforge --help' or 'dataforge COMMAND --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = context.Console.Out,
                Error = context.Console.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (ManifestRejectedException e)
        {
            if (WantsJson(args)) Output.JsonOutput.Write(context.Console, Output.JsonOutput.Error("manifest", e.Problems.Select(p => p.ToString())));
            return ExitCodes.Usage;
        }
        catch (Projects.ProjectException e)
        {
            foreach (var line in e.Details) context.Console.Note(line);
            context.Console.Problem("dataforge: " + e.Message);
            if (WantsJson(args)) Output.JsonOutput.Write(context.Console, Output.JsonOutput.Error(e.IsUsage ? "usage" : "failed", [e.Message]));
            return e.IsUsage ? ExitCodes.Usage : ExitCodes.Failed;
        }
        catch (Exception e) when (e is Engine.Cluster.ClusterException or Engine.Cluster.WorkException)
        {
            context.Console.Problem("dataforge: " + e.Message);
            if (WantsJson(args)) Output.JsonOutput.Write(context.Console, Output.JsonOutput.Error("failed", [e.Message]));
            return ExitCodes.Failed;
        }
        catch (UserErrorException e)
        {
            context.Console.Problem("dataforge: " + e.Message);
            if (WantsJson(args)) Output.JsonOutput.Write(context.Console, Output.JsonOutput.Error("usage", [e.Message]));
            return e.ExitCode;
        }
        catch (Exception e) when (ActionCacheProblem(e) is { } cache)
        {
            // The shared action cache (state:) unreachable, a login refused, a schema refused: setup, not a bug. The
            // message names the server and database only.
            context.Console.Problem("dataforge: " + cache.Message);
            if (WantsJson(args)) Output.JsonOutput.Write(context.Console, Output.JsonOutput.Error("usage", [cache.Message]));
            return ExitCodes.Usage;
        }
        catch (Exception e) when (Engine.Store.StorageException.Find(e) is { } storage)
        {
            // Disk full, a read-only file system, no permission: the environment's problem, not a bug (writes are atomic).
            var message = Output.StorageMessage.For(storage);
            context.Console.Problem("dataforge: " + message);
            if (WantsJson(args)) Output.JsonOutput.Write(context.Console, Output.JsonOutput.Error("storage", [message]));
            return ExitCodes.Failed;
        }
        catch (Exception e) when (!Debugging(context))
        {
            // Messages of unexpected exceptions may quote paths or values from sources, which can carry
            // PHI: only the type is printed unless the user asks for details in a private session.
            context.Console.Problem($"dataforge: internal error ({e.GetType().Name}); rerun with DATAFORGE_DEBUG=1 for details and report it");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The shared action cache's problem behind an exception (thrown on an executor's thread, it comes wrapped), or null.</summary>
    private static Engine.Store.ActionCacheException? ActionCacheProblem(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Engine.Store.ActionCacheException found) return found;
            if (e is AggregateException { InnerExceptions: var inner }) return inner.Select(ActionCacheProblem).FirstOrDefault(x => x is not null);
        }
        return null;
    }

    /// <summary>--json promises one JSON document on stdout, failures included.</summary>
    private static bool WantsJson(string[] args) => args.Contains("--json", StringComparer.Ordinal);

    private static bool Debugging(CliContext context) => context.Environment("DATAFORGE_DEBUG") == "1";

    private static IEnumerable<Command> Commands(CliContext context)
    {
        yield return InitCommand.Create(context);
        yield return ValidateCommand.Create(context);
        yield return StatusCommand.Create(context);
        yield return BuildCommand.Create(context);
        yield return GcCommand.Create(context);
        yield return InspectCommand.Create(context);
        yield return PseudonymsCommand.Create(context);
        yield return SynthCommand.Create(context);
        yield return ReleaseCommand.Create(context);
        yield return LogCommand.Create(context);
        yield return DiffCommand.Create(context);
        yield return ReportCommand.Create(context);
        yield return VerifyCommand.Create(context);
        yield return ExportCommand.Create(context);
        yield return AuditCommand.Create(context);
        yield return FsckCommand.Create(context);
        yield return PullCommand.Create(context);
        yield return PushCommand.Create(context);
        yield return WorkerCommand.Create(context);
    }
}
