using System.Security.Cryptography;
using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// A project folder copied with its <c>.dataforge/</c> (cp -a, a backup restored elsewhere, a colleague's copy): the copy's
/// state.db speaks of the original's output folder, and a build of the copy must never touch the original's files.
/// </summary>
public sealed class CopiedProjectTests : IDisposable
{
    private static readonly Dictionary<string, string> Secret = new() { ["DATAFORGE_SECRET"] = "copied-project-secret-copied-project" };

    private readonly TempDirectory _dir = new("dataforge-cli-copy");

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
        _dir.Dispose();
    }

    private void WriteManifest(string project, string output) => File.WriteAllText(Path.Combine(project, "dataforge.yaml"), $"""
        version: 1
        name: copied
        secret: env:DATAFORGE_SECRET
        sources:
          - {"{"}id: scans, kind: dicom, path: raw{"}"}
        deidentify: {"{"}profile: basic{"}"}
        output: {"{"}path: {output}, layout: nifti{"}"}
        """);

    private static Dictionary<string, string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(folder, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal)
            : [];

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Out} {result.Error}");
        return result;
    }

    private static void Copy(string from, string to)
    {
        var cp = Oracle.Run("/bin/cp", ["-a", from, to], Path.GetDirectoryName(from)!);
        Assert.True(cp.ExitCode == 0, cp.StandardError);
    }

    [Fact]
    public void Building_a_copied_project_leaves_the_original_output_folder_alone_and_fills_its_own()
    {
        var original = _dir.Combine("original");
        SynthWriter.Write(Path.Combine(original, "raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 16 });
        WriteManifest(original, "out");
        Ok(CliRunner.Run(original, Secret, "build"));
        var made = Files(Path.Combine(original, "out"));
        Assert.NotEmpty(made);

        var copy = _dir.Combine("copy");
        Copy(original, copy);
        var first = JsonDocument.Parse(Ok(CliRunner.Run(copy, Secret, "build", "--json")).Out).RootElement;
        Assert.Equal(made, Files(Path.Combine(original, "out")));
        Assert.Equal(made, Files(Path.Combine(copy, "out")));
        Assert.Equal(0, first.GetProperty("output").GetProperty("removed").GetInt32());
        // The copy has every object its actions name: nothing runs again.
        Assert.All(first.GetProperty("stages").EnumerateArray(), s => Assert.Equal(0, s.GetProperty("executed").GetInt32()));

        // The copy moves its output folder: its own old folder is cleaned, the original's still untouched.
        WriteManifest(copy, "out2");
        Ok(CliRunner.Run(copy, Secret, "build"));
        Assert.Empty(Files(Path.Combine(copy, "out")));
        Assert.Equal(made, Files(Path.Combine(copy, "out2")));
        Assert.Equal(made, Files(Path.Combine(original, "out")));
    }

    [Fact]
    public void A_copy_whose_original_wrote_outside_its_folder_never_removes_those_files()
    {
        var original = _dir.Combine("original");
        var shared = _dir.Combine("elsewhere", "out");
        SynthWriter.Write(Path.Combine(original, "raw"), new SynthOptions { Patients = 1, Slices = 3, Matrix = 16 });
        WriteManifest(original, shared);
        Ok(CliRunner.Run(original, Secret, "build"));
        var made = Files(shared);
        Assert.NotEmpty(made);

        var copy = _dir.Combine("copy");
        Copy(original, copy);
        // The copy writes into a folder of its own: the original's, outside both project folders, is not the copy's to clean.
        WriteManifest(copy, "out");
        Ok(CliRunner.Run(copy, Secret, "build"));
        Assert.Equal(made, Files(shared));
        Assert.Equal(made, Files(Path.Combine(copy, "out")));
    }
}
