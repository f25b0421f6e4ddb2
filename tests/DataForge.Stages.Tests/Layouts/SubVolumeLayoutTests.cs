using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Labels;
using DataForge.Stages.Volumes;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Layouts;

/// <summary>
/// A series split into two echo volumes with a mask on echo 2 only: the training layout pairs the mask with the echo
/// it was drawn on (its volume id), never with the other echo of the same series UID.
/// </summary>
public sealed class SubVolumeLayoutTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1, slices: 6, matrix: 12);

    public void Dispose() => _p.Dispose();

    [SkippableTheory]
    [InlineData("")]
    [InlineData("harmonise:\n  - crop_or_pad: {shape: [10, 11, 6]}\n")]
    public void The_case_of_echo_2_gets_the_mask_drawn_on_echo_2_and_the_case_of_echo_1_has_none(string harmonise)
    {
        var python = Oracle.RequirePython("pydicom", "nibabel", "numpy");
        var dcm2niix = Oracle.Require("dcm2niix");
        // Echo 2: a copy of every slice 40 mm to the left, in the same series.
        var series = _p.EditSeries(python, "echo2", "40");
        var echo2 = Directory.GetFiles(series.Folder, "*_E2.dcm").Select(f => DicomReader.ReadFile(f)).ToList();
        var stacked = SeriesVolumeBuilder.Build(echo2);
        Assert.False(stacked.IsFailure, stacked.FailureReason);
        // Named by the series UID alone: its grid says it is echo 2's.
        LabelProject.WriteMask(LabelProject.Threshold(stacked.Volume!, -500, label: 2), _p.Combine("masks", series.SeriesUid + ".nii.gz"));

        var result = _p.Build($$"""
            version: 1
            name: echo-layout
            sources:
              - {id: ct, kind: dicom, path: raw}
              - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              classes: [{id: 0, name: background}, {id: 2, name: body}]
              annotations:
                - {name: body, kind: mask, source: seg, on_fail: error}
            {{harmonise}}output: {layout: nnunet}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        // nnU-Net's rules and the label: the thresholded image of its own case.
        var check = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_nnunet.py"), _p.Combine("out"), "-500"]);
        Assert.True(check.ExitCode == 0, check.StandardError);
        var training = JsonDocument.Parse(check.StandardOutput).RootElement.GetProperty("training").EnumerateArray().Select(c => c.GetString()!).ToList();
        var trained = Assert.Single(training);
        // The two echoes are the patient's cases _000 (echo 1) and _001 (echo 2); echo 1 has no mask and is reported.
        Assert.EndsWith("_001", trained, StringComparison.Ordinal);
        var report = JsonDocument.Parse(File.ReadAllBytes(_p.Combine("out", "layout.report.json"))).RootElement;
        Assert.Equal(2, report.GetProperty("cases").GetInt32());
        Assert.Equal([trained[..^4] + "_000"], report.GetProperty("unlabelled").EnumerateArray().Select(c => c.GetString()!));

        // The trained image is echo 2 as dcm2niix converts it (v_e2), not echo 1: nibabel compares the grids' centres (mm).
        var theirs = _p.Combine("dcm2niix");
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "v", "-o", theirs, series.Folder]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var references = Directory.GetFiles(theirs, "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, references.Count);
        var centres = Oracle.Run(python, ["-c", """
            import sys, json, nibabel, numpy as np
            def centre(path):
                img = nibabel.load(path)
                return img.affine @ np.append((np.array(img.shape[:3]) - 1) / 2.0, 1.0)
            ours = centre(sys.argv[1])
            print(json.dumps([float(np.abs(ours - centre(p)).max()) for p in sys.argv[2:]]))
            """, _p.Combine("out", "imagesTr", trained + "_0000.nii.gz"), references[0], references[1]]);
        Assert.True(centres.ExitCode == 0, centres.StandardError);
        var distance = JsonSerializer.Deserialize<double[]>(centres.StandardOutput)!;
        // Pixels are 30 mm (360 mm over 12): cropping 12 rows to 11 moves the centre half a pixel; the echoes lie 40 mm apart.
        Assert.True(distance[1] <= 15.5, centres.StandardOutput);
        Assert.True(distance[0] >= 39.5, centres.StandardOutput);
    }
}
