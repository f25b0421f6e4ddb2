using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Volumes;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class LayoutSummaryTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-layout");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Build_names_the_nnunet_test_cases_left_out_for_their_modality_and_build_json_carries_the_layout_report()
    {
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 6, Slices = 2, Matrix = 8, Modalities = ["CT", "MR"] });
        // A body mask (above -500 HU) on every CT series' own grid, named by its series UID.
        foreach (var folder in Directory.GetDirectories(_dir.Combine("raw"), "*", SearchOption.AllDirectories).Where(d => Directory.GetFiles(d, "*.dcm").Length > 0))
        {
            var files = Directory.GetFiles(folder, "*.dcm").Select(f => DicomReader.ReadFile(f)).ToList();
            if (files[0].Dataset.GetString(Dicom.DicomTags.Modality)?.Trim() != "CT") continue;
            var stacked = SeriesVolumeBuilder.Build(files);
            Assert.False(stacked.IsFailure, stacked.FailureReason);
            var volume = stacked.Volume!;
            var mask = new Volume(volume.Shape.Take(3).ToArray(), volume.ToSingles().Select(v => v > -500 ? (byte)1 : (byte)0).ToArray(), volume.Affine);
            Directory.CreateDirectory(_dir.Combine("masks"));
            NiftiWriter.Write(mask, _dir.Combine("masks", files[0].Dataset.GetString(Dicom.DicomTags.SeriesInstanceUID)!.Trim() + ".nii.gz"));
        }
        _dir.WriteText("dataforge.yaml", """
            version: 1
            name: layout-summary
            secret: env:DATAFORGE_SECRET
            sources:
              - {id: scans, kind: dicom, path: raw}
              - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              classes: [{id: 0, name: background}, {id: 1, name: body}]
              annotations:
                - {name: body, kind: mask, source: seg}
            splits:
              ratios: {train: 0.5, test: 0.5}
              seed: 4
            output: {path: out, layout: nnunet}
            """);
        var secret = new Dictionary<string, string> { ["DATAFORGE_SECRET"] = "layout-secret-layout-secret-layout-secret" };

        var build = CliRunner.Run(_dir.Path, secret, "build");

        Assert.True(build.ExitCode == 0, build.Error);
        using var report = JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("out", "layout.report.json")));
        var lists = report.RootElement.GetProperty("lists");
        var (training, test) = (lists.GetProperty("training").GetInt32(), lists.GetProperty("test").GetInt32());
        Assert.Equal(6, training + test);
        Assert.Contains($"layout nnunet: 12 cases: training {training} case{(training == 1 ? "" : "s")}, test {test} case{(test == 1 ? "" : "s")} (out/layout.report.json)", build.Out);
        // Each test patient's MR series is named, with its modality, on the note line.
        var dropped = report.RootElement.GetProperty("dropped_test_cases").EnumerateArray().Select(d => d.GetProperty("case").GetString()!).ToList();
        Assert.Equal(test, dropped.Count);
        var note = Assert.Single(build.ErrorLines, l => l.Contains("of another modality", StringComparison.Ordinal));
        Assert.StartsWith($"note: {test} test case{(test == 1 ? "" : "s")} of another modality than the channel's left out of imagesTs: ", note, StringComparison.Ordinal);
        Assert.All(dropped, c => Assert.Contains(c + " (MR)", note, StringComparison.Ordinal));
        Assert.Contains($"note: {training} case{(training == 1 ? "" : "s")} outside the test split without a mask, not training", build.Error);

        var json = JsonDocument.Parse(CliRunner.Run(_dir.Path, secret, "build", "--json").Out).RootElement.GetProperty("layout");
        Assert.Equal("layout.report.json", json.GetProperty("report").GetString());
        Assert.Equal(dropped, json.GetProperty("dropped_test_cases").EnumerateArray().Select(d => d.GetProperty("case").GetString()!));
        Assert.All(json.GetProperty("dropped_test_cases").EnumerateArray(), d => Assert.Equal("MR", d.GetProperty("modality").GetString()));
    }
}
