using System.Text.Json;
using DataForge.Stages.Splits;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Layouts;

/// <summary>
/// A cohort of CT and MR series with CT masks only: nnU-Net's dataset.json has one channel (CT), so a test patient's MR
/// series cannot go to imagesTs. It is left out and listed in layout.report.json; every image written is checked to be
/// a CT by matching it to dcm2niix's conversions (whose sidecars give the modality).
/// </summary>
public sealed class NnUnetModalityTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 6, modalities: ["CT", "MR"]);

    public void Dispose() => _p.Dispose();

    [SkippableFact]
    public async Task Test_cases_of_another_modality_are_left_out_of_imagesTs_and_reported_by_name_and_modality()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var dcm2niix = Oracle.Require("dcm2niix");
        // SynthWriter's study folders end with the modality: DATE_CT, DATE_MR.
        var ct = _p.Series.Where(s => Path.GetFileName(Path.GetDirectoryName(s.Folder))!.EndsWith("_CT", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, ct.Count);
        foreach (var s in ct)
            LabelProject.WriteMask(LabelProject.Threshold(LabelProject.Stack(s), -500, label: 1), _p.Combine("masks", s.SeriesUid + ".nii.gz"));
        var result = _p.Build("""
            version: 1
            name: modalities
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
              seed: 2
            output: {layout: nnunet}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var reference = _p.Combine("dcm2niix");
        Directory.CreateDirectory(reference);
        var convert = Oracle.Run(dcm2niix, ["-z", "n", "-b", "y", "-ba", "y", "-f", "%j", "-o", reference, _p.Combine("raw")]);
        Assert.True(convert.ExitCode == 0, convert.StandardError + convert.StandardOutput);
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_nnunet.py"), _p.Combine("out"), "-500", "--reference", reference]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var root = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.Equal("CT", root.GetProperty("channel_names").GetProperty("0").GetString());

        // Each patient has one CT and one MR series; the test patients' MR series are the dropped cases.
        var splits = SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));
        var testPatients = splits.Where(s => s.Value.Split == "test").Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(testPatients);
        var imagesTs = root.GetProperty("test").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(testPatients, imagesTs.Select(c => c[..^4]).Order(StringComparer.Ordinal));
        var report = JsonDocument.Parse(File.ReadAllBytes(_p.Combine("out", "layout.report.json"))).RootElement;
        var dropped = report.GetProperty("dropped_test_cases").EnumerateArray()
            .Select(d => (Case: d.GetProperty("case").GetString()!, Modality: d.GetProperty("modality").GetString()!)).ToList();
        Assert.Equal(testPatients, dropped.Select(d => d.Case[..^4]).Order(StringComparer.Ordinal));
        Assert.All(dropped, d => Assert.Equal("MR", d.Modality));
        Assert.Empty(dropped.Select(d => d.Case).Intersect(imagesTs));
        Assert.Equal(imagesTs.Count, report.GetProperty("lists").GetProperty("test").GetInt32());
        // The MR series outside test have no mask: not training cases, and said so.
        Assert.Equal(splits.Count - testPatients.Count, report.GetProperty("unlabelled").GetArrayLength());
        // The report is what its schema says.
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "layout-report.schema.json"));
        Assert.Empty(schema.Validate(File.ReadAllText(_p.Combine("out", "layout.report.json"))));
        // Nothing in the report names an original identifier.
        var text = File.ReadAllText(_p.Combine("out", "layout.report.json"));
        Assert.All(_p.Series, s => Assert.DoesNotContain(s.PatientId, text, StringComparison.Ordinal));
        Assert.All(_p.Series, s => Assert.DoesNotContain(s.SeriesUid, text, StringComparison.Ordinal));
    }
}
