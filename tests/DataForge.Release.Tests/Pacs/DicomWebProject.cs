using System.Security.Cryptography;
using DataForge.Cli;
using DataForge.Cli.Output;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Release.Tests.Pacs;

/// <summary>
/// A temporary project whose source is a DICOMweb server (or, for comparison, a folder of the same files), with
/// a <c>deidentify:</c> section, a secret file shared by the projects of one test, and the server's credentials in
/// the environment variable PACS_AUTH. Commands run in-process, as redirected output.
/// </summary>
public sealed class DicomWebProject : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-dicomweb");

    /// <param name="sourceYaml">The source entry's lines after <c>- id: raw</c>, indented by six spaces.</param>
    /// <param name="secret">The project secret (same in the projects compared).</param>
    /// <param name="extraYaml">More top-level sections.</param>
    /// <param name="moreSources">More entries of <c>sources:</c>, indented by two spaces.</param>
    /// <param name="layout">output.layout.</param>
    public DicomWebProject(string sourceYaml, string secret, string extraYaml = "", string moreSources = "", string layout = "dicom")
    {
        File.WriteAllText(Combine("secret.txt"), secret + "\n");
        File.WriteAllText(Combine("dataforge.yaml"), $"""
            version: 1
            name: pacs-test
            secret: file:secret.txt
            sources:
              - id: raw
            {sourceYaml}
            {moreSources}
            deidentify:
              profile: basic
            output:
              path: out
              layout: {layout}
            {extraYaml}
            """);
    }

    /// <summary>A project reading <paramref name="server"/>'s DICOMweb root, with the credentials given (the server's by default).</summary>
    public static DicomWebProject OfServer(OrthancServer server, string secret, string? password = null, string extraYaml = "", string moreSources = "", string layout = "dicom")
    {
        var project = new DicomWebProject($"""
                kind: dicomweb
                url: {server.DicomWebUrl}
                auth: {"{"}basic: env:PACS_AUTH{"}"}
            """, secret, extraYaml, moreSources, layout);
        project.Environment["PACS_AUTH"] = $"{OrthancServer.User}:{password ?? server.Password}";
        return project;
    }

    /// <summary>A project reading a folder raw/ that the caller fills.</summary>
    public static DicomWebProject OfFolder(string secret, string extraYaml = "", string moreSources = "", string layout = "dicom") => new("""
            kind: dicom
            path: raw
        """, secret, extraYaml, moreSources, layout);

    /// <summary>Environment variables the commands see.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal) { ["DATAFORGE_HTTP_ATTEMPTS"] = "3" };

    public string Path => _dir.Path;

    public string Combine(params string[] parts) => _dir.Combine(parts);

    /// <summary>Writes synthetic DICOM under <paramref name="folder"/> and returns the files.</summary>
    public IReadOnlyList<string> Synth(string folder, SynthOptions options)
    {
        SynthWriter.Write(Combine(folder), options);
        return Directory.GetFiles(Combine(folder), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    }

    public CliResult Run(params string[] args) => Run(null, args);

    /// <summary>Runs a command; <paramref name="stderr"/> may watch what it prints as it prints it.</summary>
    public CliResult Run(TextWriter? stderr, params string[] args)
    {
        var stdout = new StringWriter();
        var error = stderr ?? new StringWriter();
        var context = new CliContext(new CliConsole(stdout, error, interactive: false, color: false),
            name => Environment.TryGetValue(name, out var v) ? v : null, _dir.Path);
        var code = Program.Run(args, context);
        return new CliResult(code, stdout.ToString(), error.ToString() ?? "");
    }

    /// <summary>Runs the system git in the project; fails the test on a non-zero exit.</summary>
    public string Git(params string[] args)
    {
        var result = Oracle.Run(Oracle.Require("git"), args, _dir.Path);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Makes the project a Git repository (branch main, a local identity).</summary>
    public void InitGit()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Release Test");
        Git("config", "user.email", "release-test@example.invalid");
    }

    /// <summary>SHA-256 of every file under out/, computed here from the bytes on disk (empty when there is no out/).</summary>
    public Dictionary<string, string> OutputHashes() =>
        !Directory.Exists(Combine("out")) ? new Dictionary<string, string>(StringComparer.Ordinal) :
        Directory.EnumerateFiles(Combine("out"), "*", SearchOption.AllDirectories).ToDictionary(
            p => System.IO.Path.GetRelativePath(Combine("out"), p).Replace('\\', '/'),
            p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p))),
            StringComparer.Ordinal);

    /// <summary>The files in the source's private cache of fetched instances.</summary>
    public IReadOnlyList<string> CachedObjects() =>
        Directory.Exists(Combine(".dataforge", "pacs", "raw", "objects"))
            ? Directory.GetFiles(Combine(".dataforge", "pacs", "raw", "objects"), "*", SearchOption.AllDirectories)
            : [];

    public void Dispose()
    {
        // Git and the cache make files read-only; TempDirectory cannot delete them otherwise.
        foreach (var f in Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        _dir.Dispose();
    }
}
