using System.Security.Cryptography;
using DataForge.Cli;
using DataForge.Cli.Output;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Release.Tests;

/// <summary>
/// A temporary project for release tests: <c>dataforge init</c>, synthetic DICOM under raw/ (two
/// patients, four series, 12 small instances), a <c>deidentify:</c> section so outputs exist, and a Git
/// repository made with the system git (branch main, a local identity).
/// </summary>
public sealed class ReleaseProject : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-release");

    public ReleaseProject(bool git = true, int patients = 2)
    {
        Run("init").AssertExit(0);
        SynthWriter.Write(Combine("raw"), new SynthOptions { Patients = patients, Slices = 3, Matrix = 16 });
        File.AppendAllText(Combine("dataforge.yaml"), "\ndeidentify:\n  profile: basic\n");
        if (!git) return;
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Release Test");
        Git("config", "user.email", "release-test@example.invalid");
    }

    public string Path => _dir.Path;

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(new CliConsole(stdout, stderr, interactive: false, color: false), _ => null, _dir.Path);
        var code = Program.Run(args, context);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the system git in the project (the oracle for what LibGit2Sharp wrote); fails the test on a non-zero exit.</summary>
    public string Git(params string[] args)
    {
        var result = Oracle.Run(Oracle.Require("git"), args, _dir.Path);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>SHA-256 of every file under out/, computed here from the bytes on disk.</summary>
    public Dictionary<string, string> OutputHashes(string folder = "out") =>
        Directory.EnumerateFiles(Combine(folder), "*", SearchOption.AllDirectories).ToDictionary(
            p => System.IO.Path.GetRelativePath(Combine(folder), p).Replace('\\', '/'),
            p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p))),
            StringComparer.Ordinal);

    public static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>The source DICOM files, in ordinal order.</summary>
    public IReadOnlyList<string> Sources() =>
        Directory.GetFiles(Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        // Git makes its object files read-only; TempDirectory cannot delete them otherwise.
        foreach (var f in Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        _dir.Dispose();
    }
}

/// <summary>Exit code and captured output of one command line.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public CliResult AssertExit(int expected)
    {
        Assert.True(ExitCode == expected, $"exit {ExitCode}, expected {expected}\nstdout: {Out}\nstderr: {Error}");
        return this;
    }
}
