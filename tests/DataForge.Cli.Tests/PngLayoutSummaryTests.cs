using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>Layout png says what it did not render: CT and MR series without output.png.slices are left out on purpose, not silently.</summary>
public sealed class PngLayoutSummaryTests : IDisposable
{
    private static readonly Dictionary<string, string> Secret = new() { ["DATAFORGE_SECRET"] = "png-summary-secret-png-summary-secret" };

    private readonly TempDirectory _dir = new("dataforge-cli-png-summary");

    public void Dispose() => _dir.Dispose();

    private void WriteManifest(string png) => _dir.WriteText("dataforge.yaml", $$"""
        version: 1
        name: png-summary
        secret: env:DATAFORGE_SECRET
        sources:
          - {id: scans, kind: dicom, path: raw}
        deidentify: {profile: basic}
        output: {layout: png{{png}}}
        """);

    [Fact]
    public void Cross_sectional_series_without_slices_are_named_by_count_and_modality_with_the_setting_that_renders_them()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 3, Matrix = 8, Modalities = ["CT", "MR"] });
        var instances = Directory.GetFiles(_dir.Combine("raw"), "*.dcm", SearchOption.AllDirectories).Length;
        WriteManifest("");

        var build = CliRunner.Run(_dir.Path, Secret, "build");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains($"layout png: 0 images from 0 of {instances} instances (out/png.report.json)", build.Out);
        var note = Assert.Single(build.ErrorLines, l => l.Contains("cross-sectional", StringComparison.Ordinal));
        Assert.Contains($"note: {instances} instances (CT {instances / 2}, MR {instances / 2}) of cross-sectional modalities not rendered: set output.png.slices: true", note);

        // A no-op build says it again, and --json carries the report.
        var json = CliRunner.Run(_dir.Path, Secret, "build", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var png = JsonDocument.Parse(json.Out).RootElement.GetProperty("png");
        Assert.Equal(instances, png.GetProperty("instances").GetInt32());
        Assert.Equal(0, png.GetProperty("rendered").GetInt32());
        Assert.Equal("png.report.json", png.GetProperty("report").GetString());

        // With slices every instance is rendered, and there is nothing to note.
        WriteManifest(", png: {slices: true}");
        build = CliRunner.Run(_dir.Path, Secret, "build");
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains($"layout png: {instances} images from {instances} of {instances} instances", build.Out);
        Assert.DoesNotContain(build.ErrorLines, l => l.Contains("not rendered", StringComparison.Ordinal));
    }
}
