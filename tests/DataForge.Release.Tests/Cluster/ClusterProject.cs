using System.Security.Cryptography;
using DataForge.Cli;
using DataForge.Cli.Output;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Release.Tests.Cluster;

/// <summary>
/// A project for the cluster tests: synthetic DICOM under raw/ (the same bytes for every instance), a de-identifying
/// NIfTI manifest whose <c>execution:</c> section names the test cluster, and a Git repository for releases. Every
/// command runs in-process with the cluster's <c>SLURM_CONF</c>; the workers run the CLI from the test's build output.
/// </summary>
public sealed class ClusterProject : IDisposable
{
    private readonly TempDirectory _dir = new("dfcluster");
    private readonly IReadOnlyDictionary<string, string> _environment;

    public const string Manifest = """
        version: 1
        name: cluster-study
        sources:
          - id: raw
            kind: dicom
            path: raw
        deidentify:
          profile: basic
        output:
          path: out
          layout: nifti
        execution:
          executor: slurm
          slurm:
            partition: dataforge
            max_array_size: 3
            retries: 1
            poll_seconds: 0.3

        """;

    public ClusterProject(SlurmCluster? cluster, int patients = 2)
    {
        _environment = cluster?.Environment ?? new Dictionary<string, string>();
        SynthWriter.Write(Combine("raw"), new SynthOptions { Patients = patients, Slices = 3, Matrix = 16 });
        File.WriteAllText(Combine("dataforge.yaml"), Manifest);
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Cluster Test");
        Git("config", "user.email", "cluster-test@example.invalid");
    }

    public string Path => _dir.Path;

    /// <summary>The manifest with the source's <c>on_unreadable: fail</c>: an unreadable file fails its item (and the screening stage's definition changes).</summary>
    public void FailUnreadable() =>
        File.WriteAllText(Combine("dataforge.yaml"), Manifest.Replace("    path: raw\n", "    path: raw\n    on_unreadable: fail\n", StringComparison.Ordinal));

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(new CliConsole(stdout, stderr, interactive: false, color: false),
            name => _environment.TryGetValue(name, out var v) ? v : null, _dir.Path);
        var code = Program.Run(args, context);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Gives this project the secret of <paramref name="other"/> (before its first build), so both make the same bytes.</summary>
    public void ShareSecretOf(ClusterProject other)
    {
        Directory.CreateDirectory(Combine(".dataforge"));
        File.Copy(other.Combine(".dataforge", "secret.key"), Combine(".dataforge", "secret.key"));
    }

    public string Git(params string[] args)
    {
        var result = Oracle.Run(Oracle.Require("git"), args, _dir.Path);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>SHA-256 of every file under <paramref name="folder"/> (out/ by default), from the bytes on disk.</summary>
    public Dictionary<string, string> OutputHashes(string folder = "out") =>
        Directory.EnumerateFiles(Combine(folder), "*", SearchOption.AllDirectories).ToDictionary(
            p => System.IO.Path.GetRelativePath(Combine(folder), p).Replace('\\', '/'),
            p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p))),
            StringComparer.Ordinal);

    /// <summary>The release manifest a <c>release</c> committed.</summary>
    public string ReleaseManifest(string version) => Git("show", $"{version}:releases/{version}/manifest.json");

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        _dir.Dispose();
    }
}
