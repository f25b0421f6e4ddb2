using System.Text.Json;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

/// <summary>DICOM SEG files written by pydicom over synthetic series, imported as mask annotations and checked with numpy and nibabel.</summary>
public sealed class SegImportTests : IDisposable
{
    // 11 x 11 pixels: 121 bits a frame, so BINARY frames after the first do not start on a byte.
    private readonly LabelProject _p = new(patients: 4, slices: 5, matrix: 11);

    public void Dispose() => _p.Dispose();

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Oracles", name);

    private void WriteSeg(string python, string name, OriginalSeries series, object spec)
    {
        Directory.CreateDirectory(_p.Combine("segs"));
        var run = Oracle.Run(python, [Script("write_seg.py"), _p.Combine("segs", name), series.Folder, JsonSerializer.Serialize(spec)]);
        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    private const string Manifest = """
        version: 1
        name: segmented
        sources:
          - {id: ct, kind: dicom, path: raw}
          - {id: seg, kind: labels, path: segs, format: dicom-seg}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: liver}, {id: 2, name: lesion}]
          annotations:
            - {name: organs, kind: mask, source: seg, on_fail: ON_FAIL, segments: {'1': liver, 'SCT:4147007': lesion}}
        output: {layout: nifti}
        """;

    private static readonly object[] TwoSegments =
    [
        new { number = 1, label = "Organ", code = "SCT:10200004" },
        new { number = 2, label = "Lesion", code = "SCT:4147007" },
    ];

    [SkippableFact]
    public async Task Binary_and_fractional_segs_are_painted_on_the_series_grid_as_numpy_unpacks_their_bits()
    {
        var python = Oracle.RequirePython("pydicom", "nibabel", "numpy");
        var s = _p.Series;
        // Two overlapping segments mapped by number and by property type code; every slice.
        WriteSeg(python, "a.dcm", s[0], new { type = "BINARY", seed = 3, segments = TwoSegments });
        // FRACTIONAL, three of five slices, frames placed by their source images (no Plane Position Sequence).
        WriteSeg(python, "b.dcm", s[1], new
        {
            type = "FRACTIONAL", seed = 4, slices = new[] { 0, 2, 4 }, defect = "no-position",
            segments = new object[] { new { number = 1, label = "Liver" } },
        });
        // dicom3tools: the SEGs the test imports are valid Segmentation IODs (no errors).
        var dciodvfy = Oracle.Require("dciodvfy");
        foreach (var name in new[] { "a.dcm", "b.dcm" })
        {
            var check = Oracle.Run(dciodvfy, [_p.Combine("segs", name)]);
            var output = check.StandardOutput + check.StandardError;
            Assert.True(output.Contains("Segmentation", StringComparison.Ordinal) && !output.Contains("Error", StringComparison.Ordinal), output);
        }
        var result = _p.Build(Manifest.Replace("ON_FAIL", "warn"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var text = File.ReadAllText(_p.Combine("out", "labels", "organs.json"));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "labels.schema.json"));
        Assert.Empty(schema.Validate(text));
        using var doc = JsonDocument.Parse(text);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);

        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "organs.report.json")));
        var violations = report.RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => v.GetProperty("check").GetString() + ": " + v.GetProperty("message").GetString()).ToList();
        // Random bits at 30% overlap; the lower segment keeps its class (on_fail: warn publishes it).
        Assert.Contains(violations, v => v.StartsWith("overlap: segments 1 and 2 (different classes) overlap in ", StringComparison.Ordinal));
        Assert.Single(violations);

        var segs = new Dictionary<string, (string File, OriginalSeries Series)>();
        foreach (var item in items)
        {
            var mask = _p.Combine("out", item.GetProperty("mask").GetString()!);
            var image = _p.Combine("out", "nifti", item.GetProperty("patient").GetString()!, item.GetProperty("series").GetString()! + ".nii.gz");
            var classes = item.GetProperty("classes").EnumerateArray().Select(c => c.GetInt32()).ToArray();
            var (file, series, mapping) = classes.Contains(2) ? ("a.dcm", s[0], """{"1": 1, "2": 2}""") : ("b.dcm", s[1], """{"1": 1}""");
            var run = Oracle.Run(python, [Script("check_seg.py"), _p.Combine("segs", file), mask, image, series.Folder, mapping]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            using var counts = JsonDocument.Parse(run.StandardOutput);
            Assert.All(counts.RootElement.EnumerateObject(), c => Assert.True(c.Value.GetInt32() > 0, $"class {c.Name} is empty"));
            segs[file] = (file, series);
        }
        Assert.Equal(["a.dcm", "b.dcm"], segs.Keys.Order().ToArray());

        // Nothing of the SEGs' patients or original UIDs in any output, by content or path.
        foreach (var path in Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories))
        {
            var content = path.EndsWith(".gz", StringComparison.Ordinal) ? "" : File.ReadAllText(path);
            foreach (var series in s)
            {
                Assert.DoesNotContain(series.PatientId, content + path, StringComparison.Ordinal);
                Assert.DoesNotContain(series.SeriesUid, content + path, StringComparison.Ordinal);
            }
        }
    }

    [SkippableFact]
    public void Bad_segs_are_reported_per_item_and_the_rest_of_the_build_goes_on()
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var s = _p.Series;
        // Without a segments mapping: 'LIVER' is the class liver by its label; 'Organ' (in offgrid.dcm) is no class.
        WriteSeg(python, "good.dcm", s[0], new { type = "BINARY", seed = 5, segments = new object[] { new { number = 1, label = "LIVER" } } });
        WriteSeg(python, "offgrid.dcm", s[1], new { type = "BINARY", seed = 6, segments = TwoSegments, defect = "off-grid" });
        WriteSeg(python, "truncated.dcm", s[2], new { type = "BINARY", seed = 7, segments = TwoSegments, defect = "truncated" });
        WriteSeg(python, "bits8.dcm", s[3], new { type = "BINARY", seed = 8, segments = TwoSegments, defect = "bits8" });
        WriteSeg(python, "elsewhere.dcm", s[3], new { type = "BINARY", seed = 9, segments = TwoSegments, defect = "missing-series" });
        WriteSeg(python, "wrongpatient.dcm", s[3], new { type = "BINARY", seed = 10, segments = TwoSegments, patient_from = s[2].Folder });
        _p.Write("segs/notes.txt", "not DICOM\n");
        var result = _p.Build(Manifest.Replace("ON_FAIL", "exclude").Replace(", segments: {'1': liver, 'SCT:4147007': lesion}", ""));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        using var doc = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "organs.json")));
        var item = Assert.Single(doc.RootElement.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal([0, 1], item.GetProperty("classes").EnumerateArray().Select(c => c.GetInt32()).ToArray());

        var reportText = File.ReadAllText(_p.Combine("out", "labels", "organs.report.json"));
        using var report = JsonDocument.Parse(reportText);
        var violations = report.RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => v.GetProperty("check").GetString() + ": " + v.GetProperty("message").GetString()).ToList();
        // Frame 5 (segment 1, unmapped) is off the grid too, but a segment with no class is not painted.
        Assert.Contains(violations, v => v.Contains("geometry: frame 10 (segment 2) lies 0.5 voxels off the image grid", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("format: not a usable DICOM SEG", StringComparison.Ordinal) && v.Contains("Pixel Data holds", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("BINARY segmentations have Bits Allocated and Bits Stored 1", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("link: the SEG references no de-identified series", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("format: not readable as DICOM", StringComparison.Ordinal));
        Assert.Contains("segments: segment 1 maps to no class (name it by number, label or type code under the annotation's segments)", violations);
        Assert.Contains(violations, v => v.StartsWith("link: the SEG (", StringComparison.Ordinal) && v.EndsWith(") belongs to another patient than the series it references", StringComparison.Ordinal));
        Assert.Equal(7, violations.Count);
        foreach (var series in s)
        {
            Assert.DoesNotContain(series.PatientId, reportText, StringComparison.Ordinal);
            Assert.DoesNotContain(series.SeriesUid, reportText, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void A_seg_referencing_two_series_is_split_and_each_part_is_painted_on_its_own_series()
    {
        var python = Oracle.RequirePython("pydicom", "nibabel", "numpy");
        using var p = new LabelProject(patients: 1, slices: 4, matrix: 9, modalities: ["CT", "MR"]);
        var (first, second) = (p.Series[0], p.Series[1]);
        Assert.Equal(first.PatientId, second.PatientId);
        Directory.CreateDirectory(p.Combine("segs"));
        // One segment over both series (4 + 4 frames), and a ninth frame whose source image is in neither.
        var write = Oracle.Run(python, [Script("write_seg.py"), p.Combine("segs", "both.dcm"), first.Folder + Path.PathSeparator + second.Folder,
            JsonSerializer.Serialize(new { type = "BINARY", seed = 12, orphan = true, segments = new object[] { new { number = 1, label = "Liver" } } })]);
        Assert.True(write.ExitCode == 0, write.StandardError);
        var result = p.Build(Manifest.Replace("ON_FAIL", "exclude").Replace(", segments: {'1': liver, 'SCT:4147007': lesion}", ""));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        using var doc = JsonDocument.Parse(File.ReadAllText(p.Combine("out", "labels", "organs.json")));
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(2, items.Select(i => i.GetProperty("series").GetString()).Distinct().Count());
        // Each mask holds exactly the frames of its own series, as numpy places them on that series' volume.
        var checkedFolders = new List<string>();
        foreach (var item in items)
        {
            var mask = p.Combine("out", item.GetProperty("mask").GetString()!);
            var image = p.Combine("out", "nifti", item.GetProperty("patient").GetString()!, item.GetProperty("series").GetString()! + ".nii.gz");
            var matches = new[] { first, second }.Where(s => Oracle.Run(python, [Script("check_seg.py"), p.Combine("segs", "both.dcm"), mask, image, s.Folder, """{"1": 1}"""]).ExitCode == 0).ToList();
            var series = Assert.Single(matches);
            var run = Oracle.Run(python, [Script("check_seg.py"), p.Combine("segs", "both.dcm"), mask, image, series.Folder, """{"1": 1}"""]);
            using var counts = JsonDocument.Parse(run.StandardOutput);
            Assert.True(counts.RootElement.GetProperty("1").GetInt32() > 0, "the part is empty");
            checkedFolders.Add(series.Folder);
        }
        Assert.Equal(2, checkedFolders.Distinct().Count());

        using var report = JsonDocument.Parse(File.ReadAllText(p.Combine("out", "labels", "organs.report.json")));
        var violation = Assert.Single(report.RootElement.GetProperty("violations").EnumerateArray().ToList());
        Assert.Equal("link", violation.GetProperty("check").GetString());
        Assert.Contains("references 2 series and 1 of its frames (frame 9) have no source image in any of them", violation.GetProperty("message").GetString());
    }
}
