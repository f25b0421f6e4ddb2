using System.Globalization;
using System.Text.Json;
using DataForge.Stages.Deidentify;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

/// <summary>
/// Landmarks of a series that the volume stage cuts into sub-series: a synthetic axial CT series given a second echo
/// on the same grid, or a coronal copy whose slab lies 200 mm above it (edit_series.py, pydicom). The points are voxel centres of
/// dcm2niix's volumes of the same series (nibabel's affine), and the published items are checked against those
/// volumes by check_subseries_landmarks.py.
/// </summary>
public sealed class SubSeriesLandmarkTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1, slices: 6, matrix: 12);

    public void Dispose() => _p.Dispose();

    private static string Manifest(string onFail, string harmonise = "") => $$"""
        version: 1
        name: sub-series-landmarks
        sources:
          - {id: ct, kind: dicom, path: raw}
          - {id: pts, kind: labels, path: points.csv, format: landmarks-csv, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}]
          annotations:
            - {name: marks, kind: landmarks, source: pts, points: [a, b], on_fail: {{onFail}}}
        {{harmonise}}
        output: {layout: nifti}
        """;

    private string Python => Oracle.RequirePython("pydicom", "nibabel", "numpy");

    /// <summary>Edits the series (echo2 or orient2), converts it with dcm2niix; returns dcm2niix's folder.</summary>
    private string Prepare(string python, string edit)
    {
        var series = _p.EditSeries(python, edit);
        var theirs = _p.Combine("dcm2niix");
        Directory.CreateDirectory(theirs);
        var convert = Oracle.Run(Oracle.Require("dcm2niix"), ["-z", "n", "-b", "n", "-f", "v", "-o", theirs, series.Folder]);
        Assert.True(convert.ExitCode == 0, convert.StandardError + convert.StandardOutput);
        Assert.Equal(2, Directory.GetFiles(theirs, "*.nii").Length);
        return theirs;
    }

    /// <summary>
    /// Points a and b at voxel centres (2, 3, 1) and (9, 8, 4) of dcm2niix's axial volume (the one whose slices stack
    /// along z), or with <paramref name="split"/> b in the other volume; written to points.csv. Returns them as JSON.
    /// </summary>
    private string WritePoints(string python, string theirs, bool split = false)
    {
        var run = Oracle.Run(python, ["-c", """
            import sys, glob, json, nibabel, numpy as np
            images = [nibabel.load(p) for p in sorted(glob.glob(sys.argv[1] + '/*.nii'))]
            axial = max(images, key=lambda i: abs(i.affine[2, 2]) / np.linalg.norm(i.affine[:3, 2]))
            other = [i for i in images if i is not axial][0]
            a = axial.affine @ [2, 3, 1, 1]
            b = (other if sys.argv[2] == 'split' else axial).affine @ [9, 8, 4, 1]
            print(json.dumps({'a': a[:3].tolist(), 'b': b[:3].tolist()}))
            """, theirs, split ? "split" : "same"]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var points = JsonDocument.Parse(run.StandardOutput).RootElement;
        var uid = Assert.Single(_p.Series).SeriesUid;
        var rows = new List<string> { "SeriesInstanceUID,name,x,y,z" };
        foreach (var p in points.EnumerateObject())
            rows.Add(string.Join(',', [uid, p.Name, .. p.Value.EnumerateArray().Select(v => v.GetDouble().ToString("R", CultureInfo.InvariantCulture))]));
        File.WriteAllText(_p.Combine("points.csv"), string.Join('\n', rows) + "\n");
        return run.StandardOutput.Trim();
    }

    private JsonElement Check(string python, string labels, string theirs, string points)
    {
        var pseudonym = Assert.Single(Directory.GetDirectories(_p.Combine("out", "nifti")));
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_subseries_landmarks.py"), _p.Combine("out", "labels", labels), pseudonym, theirs, points]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
    }

    private string NewUid => new KeyedIdentity(LabelProject.Secret).Uid(Assert.Single(_p.Series).SeriesUid);

    [SkippableFact]
    public void Each_echo_of_a_split_series_gets_the_landmarks_at_the_voxels_dcm2niix_and_nibabel_give()
    {
        var python = Python;
        var theirs = Prepare(python, "echo2");
        var points = WritePoints(python, theirs);
        var result = _p.Build(Manifest("error"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var schema = JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "labels.schema.json")).GetAwaiter().GetResult();
        Assert.Empty(schema.Validate(File.ReadAllText(_p.Combine("out", "labels", "marks.json"))));
        var check = Check(python, "marks.json", theirs, points);
        // Both echoes share one grid: both hold both points, and each item names one echo.
        Assert.All(check.GetProperty("references").EnumerateObject(), r => Assert.Equal(["a", "b"], r.Value.EnumerateArray().Select(v => v.GetString())));
        var items = check.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([NewUid + "_e1", NewUid + "_e2"], items.Select(i => i.GetProperty("volume").GetString()));
        Assert.All(items, i =>
        {
            Assert.NotEqual(JsonValueKind.Null, i.GetProperty("reference").ValueKind);
            Assert.True(i.GetProperty("max_error_mm").GetDouble() < 0.005, check.ToString());
            Assert.Equal(["a", "b"], i.GetProperty("points").EnumerateArray().Select(v => v.GetString()));
        });
    }

    [SkippableFact]
    public void Of_two_orientations_only_the_one_holding_the_landmarks_gets_them()
    {
        var python = Python;
        var theirs = Prepare(python, "orient2");
        var points = WritePoints(python, theirs);
        var result = _p.Build(Manifest("error"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var check = Check(python, "marks.json", theirs, points);
        var holding = check.GetProperty("references").EnumerateObject().Where(r => r.Value.GetArrayLength() == 2).Select(r => r.Name).ToList();
        Assert.Single(holding);
        Assert.Contains(check.GetProperty("references").EnumerateObject(), r => r.Value.GetArrayLength() == 0);
        var item = Assert.Single(check.GetProperty("items").EnumerateArray());
        Assert.StartsWith(NewUid + "_o", item.GetProperty("volume").GetString());
        Assert.Equal(holding[0], item.GetProperty("reference").GetString());
        Assert.True(item.GetProperty("max_error_mm").GetDouble() < 0.005, check.ToString());
    }

    [SkippableFact]
    public void Landmarks_split_across_two_orientations_are_reported_for_the_series()
    {
        var python = Python;
        var theirs = Prepare(python, "orient2");
        WritePoints(python, theirs, split: true);
        var result = _p.Build(Manifest("exclude"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        using var labels = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "marks.json")));
        Assert.Empty(labels.RootElement.GetProperty("items").EnumerateArray());
        var report = File.ReadAllText(_p.Combine("out", "labels", "marks.report.json"));
        Assert.Contains("no volume of the series (2 sub-series) contains all its points", report);
        Assert.Contains(NewUid, report);
    }

    [SkippableFact]
    public void Harmonised_landmarks_of_each_echo_are_on_that_echo_s_final_grid()
    {
        var python = Python;
        var theirs = Prepare(python, "echo2");
        var points = WritePoints(python, theirs);
        var result = _p.Build(Manifest("error", "harmonise:\n  - crop_or_pad: {shape: [10, 11, 6]}"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var check = Check(python, "marks.harmonised.json", theirs, points);
        var items = check.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([NewUid + "_e1", NewUid + "_e2"], items.Select(i => i.GetProperty("volume").GetString()));
        Assert.All(items, i =>
        {
            Assert.True(i.GetProperty("max_error_mm").GetDouble() < 0.005, check.ToString());
            Assert.Equal(["a", "b"], i.GetProperty("points").EnumerateArray().Select(v => v.GetString()));
        });
    }
}
