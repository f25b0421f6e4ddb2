using System.Security.Cryptography;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>A full or read-only output folder on a real (tmpfs) file system: a clear message, exit 1, and a rerun that resumes.</summary>
public sealed class StorageErrorCommandTests : IDisposable
{
    private static readonly Dictionary<string, string> Secret = new() { ["DATAFORGE_SECRET"] = "storage-secret-storage-secret-storage" };

    private const string Manifest = """
        version: 1
        name: storage
        secret: env:DATAFORGE_SECRET
        sources:
          - {id: scans, kind: dicom, path: raw}
        deidentify: {profile: basic}
        output: {path: out}
        """;

    private readonly TempDirectory _dir = new("dataforge-cli-storage");
    private readonly TempDirectory _clean = new("dataforge-cli-storage-clean");
    private string? _mounted;

    public void Dispose()
    {
        if (_mounted is not null) Oracle.Run("umount", [_mounted]);
        _dir.Dispose();
        _clean.Dispose();
    }

    /// <summary>Mounts a small tmpfs at out/ (as root); skips when this machine does not allow it.</summary>
    private void MountOutput(string options)
    {
        var mountTool = Oracle.Find("mount");
        Skip.If(mountTool is null, "no mount command here");
        Directory.CreateDirectory(_dir.Combine("out"));
        var mount = Oracle.Run(mountTool!, ["-t", "tmpfs", "-o", options, "tmpfs", _dir.Combine("out")]);
        Skip.If(mount.ExitCode != 0, $"mounting a tmpfs is not permitted here: {mount.StandardError.Trim()}");
        _mounted = _dir.Combine("out");
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);

    private void WriteProject(TempDirectory dir)
    {
        SynthWriter.Write(dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 32 });
        dir.WriteText("dataforge.yaml", Manifest);
    }

    [SkippableFact]
    public void A_full_output_folder_is_named_with_the_space_missing_and_the_build_after_freeing_it_equals_a_clean_build()
    {
        WriteProject(_clean);
        Assert.Equal(0, CliRunner.Run(_clean.Path, Secret, "build").ExitCode);
        var expected = Hashes(_clean.Combine("out"));

        WriteProject(_dir);
        MountOutput("size=64k");
        // Most of the 64 KB taken by a file of the user's: the outputs do not fit.
        File.WriteAllBytes(_dir.Combine("out", "ballast.bin"), new byte[48 * 1024]);

        var full = CliRunner.Run(_dir.Path, Secret, "build");

        Assert.Equal(1, full.ExitCode);
        Assert.Contains("dataforge: no space left for the output folder (output.path): about ", full.Error, StringComparison.Ordinal);
        Assert.Contains("more is needed. Nothing was damaged", full.Error, StringComparison.Ordinal);
        Assert.Contains("a build resumes where it stopped", full.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", full.Error, StringComparison.Ordinal);
        var json = CliRunner.Run(_dir.Path, Secret, "build", "--json");
        Assert.Equal(1, json.ExitCode);
        Assert.Equal("storage", System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("error").GetString());

        File.Delete(_dir.Combine("out", "ballast.bin"));
        var resumed = CliRunner.Run(_dir.Path, Secret, "build");

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(expected, Hashes(_dir.Combine("out")));
    }

    [SkippableFact]
    public void A_read_only_output_folder_is_named_and_the_next_build_on_a_writable_one_completes()
    {
        WriteProject(_dir);
        MountOutput("size=8m");
        Assert.Equal(0, CliRunner.Run(_dir.Path, Secret, "build").ExitCode);
        var before = Hashes(_dir.Combine("out"));
        var remount = Oracle.Run("mount", ["-o", "remount,ro", _dir.Combine("out")]);
        Skip.If(remount.ExitCode != 0, $"remounting read-only is not permitted here: {remount.StandardError.Trim()}");
        // A changed de-identification policy makes every output anew.
        _dir.WriteText("dataforge.yaml", Manifest.Replace("deidentify: {profile: basic}", "deidentify: {profile: basic, options: [retain-device-identity]}", StringComparison.Ordinal));

        var refused = CliRunner.Run(_dir.Path, Secret, "build");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("dataforge: the output folder (output.path) is on a read-only file system", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, Hashes(_dir.Combine("out")));

        Assert.Equal(0, Oracle.Run("mount", ["-o", "remount,rw", _dir.Combine("out")]).ExitCode);
        var resumed = CliRunner.Run(_dir.Path, Secret, "build");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
    }

    [SkippableFact]
    public void Hard_links_asked_for_an_output_folder_on_another_file_system_become_copies_that_the_next_build_keeps()
    {
        WriteProject(_dir);
        _dir.WriteText("dataforge.yaml", Manifest.Replace("output: {path: out}", "output: {path: out, link: hardlink}", StringComparison.Ordinal));
        MountOutput("size=8m");

        Assert.Equal(0, CliRunner.Run(_dir.Path, Secret, "build").ExitCode);
        var again = CliRunner.Run(_dir.Path, Secret, "build");

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("output: 0 written", again.Out, StringComparison.Ordinal);
        Assert.All(Directory.GetFiles(_dir.Combine("out"), "*", SearchOption.AllDirectories), f => Assert.NotEqual(0, new FileInfo(f).Length));
    }
}
