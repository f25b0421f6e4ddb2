using DataForge.Cli.Output;
using DataForge.Manifest;

namespace DataForge.Cli;

/// <summary>What every command gets from the host: console, environment, working folder.</summary>
public sealed class CliContext(CliConsole console, Func<string, string?> environment, string workingDirectory)
{
    private ManifestLoader? _loader;

    public CliConsole Console { get; } = console;

    /// <summary>Reads an environment variable (a function so tests can supply their own).</summary>
    public Func<string, string?> Environment { get; } = environment;

    public string WorkingDirectory { get; } = workingDirectory;

    /// <summary>The manifest loader with every section module's checks, created on first use (the schema is parsed once).</summary>
    public ManifestLoader Loader => _loader ??= Stages.ManifestModules.Loader();

    /// <summary>A path given on the command line, made absolute against the working folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));

    /// <summary>The process's own context.</summary>
    public static CliContext FromProcess() =>
        new(CliConsole.FromEnvironment(), System.Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
}
