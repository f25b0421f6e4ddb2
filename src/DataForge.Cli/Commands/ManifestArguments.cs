using System.CommandLine;
using DataForge.Manifest;
using DataForge.Manifest.Model;

namespace DataForge.Cli.Commands;

/// <summary>The <c>-f FILE</c> option shared by commands that read the manifest, and loading it.</summary>
public static class ManifestArguments
{
    public static Option<string> FileOption() => new("--file", "-f")
    {
        Description = "The manifest to read.",
        DefaultValueFactory = _ => ManifestLoader.DefaultFileName,
        HelpName = "FILE",
    };

    public static Option<bool> JsonOption(string what) => new("--json")
    {
        Description = $"Print {what} as one JSON document on stdout (messages go to stderr).",
    };

    /// <summary>Loads the manifest; on any problem prints one line each to stderr and fails with exit code 2.</summary>
    public static DataForgeManifest LoadOrFail(CliContext context, string file)
    {
        var result = context.Loader.Load(context.Resolve(file), file);
        if (result.Succeeded) return result.Manifest!;
        foreach (var problem in result.Problems) context.Console.Problem(problem.ToString());
        throw new ManifestRejectedException(result.Problems);
    }
}

/// <summary>The manifest had problems, already printed on stderr; the command ends with exit code 2.</summary>
public sealed class ManifestRejectedException(IReadOnlyList<ManifestDiagnostic> problems)
    : Exception($"{problems.Count} problem(s) in the manifest")
{
    public IReadOnlyList<ManifestDiagnostic> Problems { get; } = problems;
}
