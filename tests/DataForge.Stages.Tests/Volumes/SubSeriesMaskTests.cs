using System.Globalization;
using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Tests.Labels;
using DataForge.Stages.Volumes;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Volumes;

public sealed class SubSeriesMaskTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1, slices: 6, matrix: 12);

    public void Dispose() => _p.Dispose();

    private const string Manifest = """
        version: 1
        name: sub-series-masks
        sources:
          - {id: ct, kind: dicom, path: raw}
          - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 2, name: body}]
          annotations:
            - {name: body, kind: mask, source: seg, on_fail: error}
        harmonise:
          - crop_or_pad: {shape: [10, 11, 6]}
        output: {layout: nifti}
        """;

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_mask_of_one_echo_of_a_split_series_lands_on_that_echo_as_dcm2niix_and_nibabel_place_it(int echo)
    {
        var python = Oracle.RequirePython("pydicom", "nibabel", "numpy");
        var dcm2niix = Oracle.Require("dcm2niix");
        // Echo 2: a copy of every slice, 40 mm to the left, in the same series.
        var series = _p.EditSeries(python, "echo2", "40");
        var files = Directory.GetFiles(series.Folder, "*.dcm").Where(f => f.EndsWith("_E2.dcm", StringComparison.Ordinal) == (echo == 2))
            .Select(f => DicomReader.ReadFile(f)).ToList();
        var stacked = SeriesVolumeBuilder.Build(files);
        Assert.False(stacked.IsFailure, stacked.FailureReason);
        // The mask is named by the series UID alone: its grid says which echo it belongs to.
        LabelProject.WriteMask(LabelProject.Threshold(stacked.Volume!, -500, label: 2), _p.Combine("masks", series.SeriesUid + ".nii.gz"));

        var result = _p.Build(Manifest);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var uid = new KeyedIdentity(LabelProject.Secret).Uid(series.SeriesUid);
        var published = Directory.GetFiles(_p.Combine("out", "labels", "body"), "*.nii.gz", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_p.Combine("out", "labels", "body"), f)).Order(StringComparer.Ordinal).ToList();
        var pseudonym = Path.GetDirectoryName(published[0])!;
        Assert.Equal([$"{pseudonym}/{uid}_e{echo}.nii.gz", $"harmonised/{pseudonym}/{uid}_e{echo}.nii.gz"], published);

        var theirs = _p.Combine("dcm2niix");
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "v", "-o", theirs, series.Folder]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var references = Directory.GetFiles(theirs, "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, references.Count); // dcm2niix: v_e1.nii, v_e2.nii
        var check = Oracle.Run(python, ["-c", """
            import sys, json, nibabel, numpy as np
            from nibabel.orientations import io_orientation, ornt_transform
            mask = nibabel.load(sys.argv[1])
            out = {}
            for name, path in (("own", sys.argv[2]), ("other", sys.argv[3])):
                ref = nibabel.load(path)
                turned = mask.as_reoriented(ornt_transform(io_orientation(mask.affine), io_orientation(ref.affine)))
                out[name] = {"affine": float(np.abs(turned.affine - ref.affine).max()),
                             "same_shape": turned.shape == ref.shape}
                if turned.shape == ref.shape:
                    expected = np.where(ref.get_fdata() > -500, 2, 0)
                    out[name]["wrong_voxels"] = int((np.asarray(turned.dataobj) != expected).sum())
            print(json.dumps(out))
            """, _p.Combine("out", "labels", "body", pseudonym, $"{uid}_e{echo}.nii.gz"), references[echo - 1], references[2 - echo]]);
        Assert.True(check.ExitCode == 0, check.StandardError);
        using var report = JsonDocument.Parse(check.StandardOutput);
        var own = report.RootElement.GetProperty("own");
        Assert.True(own.GetProperty("affine").GetDouble() <= 1e-4, check.StandardOutput);
        Assert.Equal(0, own.GetProperty("wrong_voxels").GetInt32());
        // The other echo lies 40 mm away: the test tells the two apart.
        Assert.True(report.RootElement.GetProperty("other").GetProperty("affine").GetDouble() > 30, check.StandardOutput);
        // The label file names the mask of that echo.
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{uid}_e{echo}.nii.gz"), File.ReadAllText(_p.Combine("out", "labels", "body.json")), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_seg_of_the_second_echo_of_a_split_series_is_painted_on_that_echo_as_dcm2niix_nibabel_and_pydicom_place_it()
    {
        var python = Oracle.RequirePython("pydicom", "nibabel", "numpy");
        var dcm2niix = Oracle.Require("dcm2niix");
        var series = _p.EditSeries(python, "echo2", "40");
        // pydicom writes a SEG whose frames reference the second echo's instances and lie on their planes.
        var echo2 = _p.Combine("echo2");
        Directory.CreateDirectory(echo2);
        foreach (var f in Directory.GetFiles(series.Folder, "*_E2.dcm")) File.Copy(f, Path.Combine(echo2, Path.GetFileName(f)));
        Directory.CreateDirectory(_p.Combine("segs"));
        var seg = _p.Combine("segs", "e2.dcm");
        var write = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "write_seg.py"), seg, echo2,
            JsonSerializer.Serialize(new { type = "BINARY", seed = 5, segments = new[] { new { number = 1, label = "Body", code = "SCT:38266002" } } })]);
        Assert.True(write.ExitCode == 0, write.StandardError);

        var result = _p.Build("""
            version: 1
            name: sub-series-seg
            sources:
              - {id: ct, kind: dicom, path: raw}
              - {id: seg, kind: labels, path: segs, format: dicom-seg}
            deidentify: {profile: basic}
            labels:
              classes: [{id: 0, name: background}, {id: 2, name: body}]
              annotations:
                - {name: body, kind: mask, source: seg, on_fail: error, segments: {'1': body}}
            output: {layout: nifti}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var uid = new KeyedIdentity(LabelProject.Secret).Uid(series.SeriesUid);
        var mask = Assert.Single(Directory.GetFiles(_p.Combine("out", "labels", "body"), "*.nii.gz", SearchOption.AllDirectories));
        Assert.Equal(uid + "_e2.nii.gz", Path.GetFileName(mask));

        var theirs = _p.Combine("dcm2niix");
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "v", "-o", theirs, series.Folder]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var references = Directory.GetFiles(theirs, "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, references.Count);
        var check = Oracle.Run(python, ["-c", """
            import sys, json, nibabel, numpy as np, pydicom
            from nibabel.orientations import io_orientation, ornt_transform
            mask = nibabel.load(sys.argv[1])
            ref = nibabel.load(sys.argv[2])
            turned = mask.as_reoriented(ornt_transform(io_orientation(mask.affine), io_orientation(ref.affine)))
            frames = pydicom.dcmread(sys.argv[3]).pixel_array
            print(json.dumps({"affine": float(np.abs(turned.affine - ref.affine).max()), "same_shape": turned.shape == ref.shape,
                              "painted": int((np.asarray(mask.dataobj) == 2).sum()), "seg_ones": int(frames.sum())}))
            """, mask, references[1], seg]);
        Assert.True(check.ExitCode == 0, check.StandardError);
        using var report = JsonDocument.Parse(check.StandardOutput);
        Assert.True(report.RootElement.GetProperty("same_shape").GetBoolean(), check.StandardOutput);
        Assert.True(report.RootElement.GetProperty("affine").GetDouble() <= 1e-4, check.StandardOutput);
        Assert.Equal(report.RootElement.GetProperty("seg_ones").GetInt32(), report.RootElement.GetProperty("painted").GetInt32());
    }
}
