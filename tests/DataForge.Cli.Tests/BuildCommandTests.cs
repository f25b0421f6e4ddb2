using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class BuildCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public BuildCommandTests()
    {
        CliRunner.Run(_dir.Path, "init");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 16 });
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_first_build_runs_every_item_and_a_second_serves_all_from_the_cache()
    {
        var first = CliRunner.Run(_dir.Path, "build", "--json");
        Assert.Equal(0, first.ExitCode);
        var stage = JsonDocument.Parse(first.Out).RootElement.GetProperty("stages")[0];
        Assert.Equal(12, stage.GetProperty("executed").GetInt32());

        var second = CliRunner.Run(_dir.Path, "build", "--json");
        var doc = JsonDocument.Parse(second.Out).RootElement;
        Assert.Equal(0, doc.GetProperty("index").GetProperty("hashed").GetInt32());
        Assert.Equal(0, doc.GetProperty("stages")[0].GetProperty("executed").GetInt32());
        Assert.Equal(12, doc.GetProperty("stages")[0].GetProperty("cached").GetInt32());
    }

    [Fact]
    public void A_damaged_file_fails_the_build_with_on_unreadable_fail_and_junk_is_skipped_without_printing_their_paths()
    {
        var image = Directory.GetFiles(_dir.Combine("raw"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(image);
        File.WriteAllBytes(_dir.Combine("raw", "DOE_JOHN_SYN107919", "IM9999"), bytes[..^200]);
        _dir.WriteText("raw/DOE_JOHN_SYN107919/NOTES", "not an image");
        _dir.WriteText("raw/DOE_JOHN_SYN107919/README.txt", "left out by the starter's globs");
        var yaml = File.ReadAllText(_dir.Combine("dataforge.yaml"));
        File.WriteAllText(_dir.Combine("dataforge.yaml"), yaml.Replace("on_unreadable: exclude", "on_unreadable: fail", StringComparison.Ordinal));
        var result = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("dicom.screen.raw: item #", result.Error);
        Assert.Contains("not readable as DICOM", result.Error);
        Assert.Contains("(on_unreadable: fail)", result.Error);
        Assert.Contains("1 file is not DICOM, skipped", result.Out);
        Assert.DoesNotContain("DOE", result.Out + result.Error);
        var quarantine = File.ReadAllText(_dir.Combine(".dataforge", "quarantine.tsv"));
        Assert.Contains("raw:DOE_JOHN_SYN107919/IM9999", quarantine);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine(".dataforge", "quarantine.tsv")));
    }

    [Fact]
    public void Status_explains_why_work_would_run_and_says_when_nothing_would()
    {
        var before = CliRunner.Run(_dir.Path, "status");
        Assert.Contains("headers: 12 of 12 would run (12 new input)", before.Out);
        CliRunner.Run(_dir.Path, "build");
        var victim = Directory.GetFiles(_dir.Combine("raw"), "IM0002.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(victim);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(victim, bytes);
        var after = CliRunner.Run(_dir.Path, "status");
        Assert.Contains("headers: 1 of 12 would run (1 changed input)", after.Out);
        CliRunner.Run(_dir.Path, "build");
        Assert.EndsWith("up to date\n", CliRunner.Run(_dir.Path, "status").Out);
    }

    [Fact]
    public void Build_refuses_harmonise_steps_with_the_dicom_layout()
    {
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\nharmonise:\n  - reorient: RAS\n");
        var result = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("harmonise: steps make volumes, which output.layout dicom does not publish", result.Error);
        Assert.False(Directory.Exists(_dir.Combine(".dataforge")));
    }

    [Fact]
    public void Gc_reports_what_it_removed()
    {
        CliRunner.Run(_dir.Path, "build");
        var result = CliRunner.Run(_dir.Path, "gc");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^removed \d+ objects \([0-9.]+ MB\), forgot \d+ actions, kept \d+ objects\n$", result.Out);
    }

    [Fact]
    public void Build_with_json_prints_one_document_even_when_the_manifest_is_refused()
    {
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\nbogus: 1\n");
        var result = CliRunner.Run(_dir.Path, "build", "--json");
        Assert.Equal(2, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("manifest", doc.RootElement.GetProperty("error").GetString());
        Assert.Contains("unknown key 'bogus'", doc.RootElement.GetProperty("messages")[0].GetString());
    }

    [Fact]
    public void The_nifti_layout_publishes_one_volume_per_series_and_no_dicom()
    {
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\ndeidentify:\n  profile: basic\n");
        File.WriteAllText(_dir.Combine("dataforge.yaml"), File.ReadAllText(_dir.Combine("dataforge.yaml")).Replace("output:\n  path: out", "output:\n  path: out\n  layout: nifti"));
        var result = CliRunner.Run(_dir.Path, "build");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("volume: 4 items: 4 ran", result.Out);
        // Beside the volumes, only the de-identification report.
        Assert.Equal(["deidentification.json"], Directory.GetFiles(_dir.Combine("out")).Select(Path.GetFileName));
        var published = Directory.GetFiles(_dir.Combine("out", "nifti"), "*", SearchOption.AllDirectories);
        var volumes = published.Where(v => v.EndsWith(".nii.gz", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, volumes.Count);
        // Beside each volume its sidecar, and nothing else.
        Assert.Equal(volumes.Select(v => v[..^".nii.gz".Length] + ".json").Order(), published.Except(volumes).Order());
        Assert.All(volumes, v => Assert.StartsWith(_dir.Combine("out", "nifti", "ANON-"), v));
    }

    [Fact]
    public void A_redirected_build_reports_each_stages_progress_on_stderr_and_keeps_json_on_stdout_clean()
    {
        var every = new Dictionary<string, string> { ["DATAFORGE_PROGRESS_SECONDS"] = "0" };
        var result = CliRunner.Run(_dir.Path, every, "build", "--json");
        Assert.Equal(0, result.ExitCode);
        JsonDocument.Parse(result.Out);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("progress: headers 12/12 (", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^progress: headers \d+/12 \([0-9.]+/s, about \d+ s left\)$"));

        // A no-op build has nothing to report.
        var again = CliRunner.Run(_dir.Path, every, "build");
        Assert.DoesNotContain(again.ErrorLines, l => l.StartsWith("progress:", StringComparison.Ordinal));
    }
}
