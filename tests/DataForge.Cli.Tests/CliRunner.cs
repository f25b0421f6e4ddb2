using DataForge.Cli;
using DataForge.Cli.Output;

namespace DataForge.Cli.Tests;

/// <summary>Runs the command line in-process with captured output, as redirected output (no colour).</summary>
public static class CliRunner
{
    public static CliResult Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string>(), args);

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(new CliConsole(stdout, stderr, interactive: false, color: false),
            name => environment.TryGetValue(name, out var v) ? v : null, workingDirectory);
        var code = Program.Run(args, context);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>Exit code and captured output of one command line.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
