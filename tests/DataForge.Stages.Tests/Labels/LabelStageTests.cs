using System.Globalization;
using System.Text.Json;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

public sealed class LabelStageTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 4);

    public void Dispose() => _p.Dispose();

    private const string Head = """
        version: 1
        name: labelled
        sources:
          - {id: ct, kind: dicom, path: raw}
        """;

    private static async Task<JsonSchema> LabelSchema() =>
        await JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "labels.schema.json"));

    private static string[] OutputTexts(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".gz", StringComparison.Ordinal))
            .Select(File.ReadAllText).Concat(Directory.GetFiles(root, "*", SearchOption.AllDirectories)).ToArray();

    [Fact]
    public async Task A_categorical_table_keyed_by_patient_id_is_published_by_pseudonym_with_bad_rows_reported()
    {
        var s = _p.Series;
        _p.Write("labels/grades.csv",
            "PatientID,IssuerOfPatientID,grade\n" +
            $"{s[0].PatientId},{s[0].Issuer},high\n" +
            $"{s[1].PatientId},{s[1].Issuer},low\n" +
            $"{s[2].PatientId},{s[2].Issuer},PLANTED^NAME\n" + // not one of the values (a name typed in the wrong column): excluded
            $"NOBODY-123,{s[0].Issuer},high\n");            // names no image: a link violation
        var result = _p.Build(Head + """

              - {id: grades, kind: labels, path: labels/grades.csv, format: csv, key: PatientID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: grade, kind: categorical, level: patient, source: grades, values: [low, high], required: true}
            splits:
              ratios: {train: 0.5, test: 0.5}
              stratify: grade
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var text = File.ReadAllText(_p.Combine("out", "labels", "grade.json"));
        Assert.Empty((await LabelSchema()).Validate(text));
        using var doc = JsonDocument.Parse(text);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["high", "low"], items.Select(i => i.GetProperty("value").GetString()!).Order().ToArray());
        Assert.All(items, i => Assert.Matches("^ANON-[A-Z0-9]{10}$", i.GetProperty("patient").GetString()));

        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "grade.report.json")));
        var checks = report.RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => v.GetProperty("check").GetString()!).Order().ToArray();
        // The planted value (value), NOBODY (link), patient 3 and the planted patient have no published label (required).
        Assert.Equal(["link", "required", "value"], checks.Distinct().ToArray());
        Assert.Contains(report.RootElement.GetProperty("violations").EnumerateArray(),
            v => v.GetProperty("check").GetString() == "link" && v.GetProperty("item").GetString()!.EndsWith("#row4", StringComparison.Ordinal));
        // The published report names rows, never the label file's own text: neither the bad value nor the unknown key.
        var reportText = File.ReadAllText(_p.Combine("out", "labels", "grade.report.json"));
        Assert.DoesNotContain("PLANTED", reportText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("NOBODY", reportText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("#row3", reportText);

        // The split stage stratified by the published labels: the two labelled patients carry their grade.
        using var splits = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "splits.json")));
        var strata = splits.RootElement.GetProperty("patients").EnumerateArray()
            .Select(p => p.GetProperty("stratum").ValueKind == JsonValueKind.String ? p.GetProperty("stratum").GetString() : null).ToList();
        Assert.Equal(4, strata.Count);
        Assert.Equal(["high", "low"], strata.OfType<string>().Order().ToArray());

        // No original identifier in any output (content or path).
        foreach (var t in OutputTexts(_p.Combine("out")))
            foreach (var series in s)
            {
                Assert.DoesNotContain(series.PatientId, t, StringComparison.Ordinal);
                Assert.DoesNotContain(series.SeriesUid, t, StringComparison.Ordinal);
            }
        Assert.DoesNotContain("NOBODY", string.Concat(OutputTexts(_p.Combine("out"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_table_keyed_by_accession_number_labels_the_de_identified_study()
    {
        // The original accession number of each series' study (PHI side).
        var accession = _p.Series.Select(s => DataForge.Dicom.IO.DicomReader.ReadFile(Directory.GetFiles(s.Folder, "*.dcm")[0])
            .Dataset.GetString(DataForge.Dicom.DicomTags.AccessionNumber)!.Trim()).ToList();
        Assert.Equal(accession.Count, accession.Distinct().Count());
        _p.Write("labels/reads.csv", "AccessionNumber,finding\n" +
            $"{accession[0]},normal\n{accession[1]},abnormal\nACC-UNKNOWN-9,normal\n");
        var result = _p.Build(Head + """

              - {id: reads, kind: labels, path: labels/reads.csv, format: csv, key: AccessionNumber}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: finding, kind: categorical, level: study, source: reads, values: [normal, abnormal], on_fail: warn}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var text = File.ReadAllText(_p.Combine("out", "labels", "finding.json"));
        Assert.Empty((await LabelSchema()).Validate(text));
        using var doc = JsonDocument.Parse(text);
        var labelled = doc.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("study").GetString()!, i => i.GetProperty("value").GetString()!);
        // Each label sits on the de-identified study of the series whose accession number it named.
        string StudyOf(int series)
        {
            var uid = new DataForge.Stages.Deidentify.KeyedIdentity(LabelProject.Secret).Uid(_p.Series[series].SeriesUid);
            foreach (var file in Directory.GetFiles(_p.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories))
            {
                var ds = DataForge.Dicom.IO.DicomReader.ReadFile(file).Dataset;
                if (ds.GetString(DataForge.Dicom.DicomTags.SeriesInstanceUID) == uid)
                    return ds.GetString(DataForge.Dicom.DicomTags.StudyInstanceUID)!;
            }
            throw new InvalidOperationException("series not published");
        }
        Assert.Equal(new Dictionary<string, string> { [StudyOf(0)] = "normal", [StudyOf(1)] = "abnormal" }, labelled);
        var report = File.ReadAllText(_p.Combine("out", "labels", "finding.report.json"));
        Assert.Contains("\"link\"", report);
        foreach (var t in OutputTexts(_p.Combine("out")))
            foreach (var a in accession.Append("ACC-UNKNOWN-9"))
                Assert.DoesNotContain(a, t, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_table_with_on_fail_error_fails_the_stage_with_the_count()
    {
        _p.Write("labels/grades.json", $$"""[{"SeriesInstanceUID": "{{_p.Series[0].SeriesUid}}", "grade": "bad"}]""");
        var result = _p.Build(Head + """

              - {id: grades, kind: labels, path: labels/grades.json, format: json, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: grade, kind: categorical, level: series, source: grades, values: [good], on_fail: error}
            """);
        var failure = Assert.Single(result.Failures);
        Assert.Contains("1 labels fail their checks (on_fail: error)", failure.ToString());
        Assert.DoesNotContain(_p.Series[0].SeriesUid, failure.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Masks_named_by_series_uid_are_checked_against_the_image_and_published_on_its_grid()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var s = _p.Series;
        var good = LabelProject.Threshold(LabelProject.Stack(s[0]), -500);
        LabelProject.WriteMask(good, _p.Combine("masks", s[0].SeriesUid + ".nii.gz"));
        // Wrong grid: one slice short.
        var image1 = LabelProject.Stack(s[1]);
        var shortMask = new DataForge.Imaging.Volume([10, 10, 3], new byte[300], image1.Affine);
        LabelProject.WriteMask(shortMask, _p.Combine("masks", s[1].SeriesUid + ".nii.gz"));
        // A value that is no class id.
        LabelProject.WriteMask(LabelProject.Threshold(LabelProject.Stack(s[2]), -500, label: 7), _p.Combine("masks", s[2].SeriesUid + ".nii.gz"));
        // Named by a mapping table instead of its file name.
        LabelProject.WriteMask(LabelProject.Threshold(LabelProject.Stack(s[3]), -500), _p.Combine("masks", "case-d.nii.gz"));
        _p.Write("masks/map.csv", $"file,SeriesInstanceUID\ncase-d.nii.gz,{s[3].SeriesUid}\n");

        var result = _p.Build(Head + """

              - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              classes: [{id: 0, name: background}, {id: 1, name: body}]
              annotations:
                - {name: body, kind: mask, source: seg}
            output: {layout: nifti}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var text = File.ReadAllText(_p.Combine("out", "labels", "body.json"));
        Assert.Empty((await LabelSchema()).Validate(text));
        using var doc = JsonDocument.Parse(text);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "body.report.json")));
        var messages = report.RootElement.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("check").GetString() + ": " + v.GetProperty("message").GetString()).ToList();
        Assert.Contains(messages, m => m.StartsWith("geometry: mask shape [10, 10, 3] differs", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("values: values not in the schema's class ids: 7", StringComparison.Ordinal));

        // nibabel: each published mask has its image's shape and affine, and equals the image thresholded.
        foreach (var item in items)
        {
            var mask = _p.Combine("out", item.GetProperty("mask").GetString()!);
            var image = _p.Combine("out", "nifti", item.GetProperty("patient").GetString()!, item.GetProperty("series").GetString()! + ".nii.gz");
            var run = Oracle.Run(python, ["-c", """
                import sys, nibabel as nb, numpy as np
                m = nb.load(sys.argv[1]); i = nb.load(sys.argv[2])
                assert m.shape == i.shape, (m.shape, i.shape)
                assert np.allclose(m.affine, i.affine, atol=1e-4), (m.affine, i.affine)
                assert np.array_equal(np.asarray(m.dataobj) > 0, i.get_fdata() > -500)
                print(int((np.asarray(m.dataobj) > 0).sum()))
                """, mask, image]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.True(int.Parse(run.StandardOutput.Trim(), CultureInfo.InvariantCulture) > 0);
        }
    }

    [SkippableFact]
    public void Landmarks_from_slicer_markups_and_csv_are_checked_for_count_and_inside_and_located_in_voxels()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var s = _p.Series;
        var image = LabelProject.Stack(s[0]);
        // Two points at voxel centres of series 0, written in LPS as Slicer does; the third expected point is missing.
        var (x1, y1, z1) = image.Affine.Apply(2, 3, 1);
        var (x2, y2, z2) = image.Affine.Apply(5, 5, 2);
        _p.Write($"points/{s[0].SeriesUid}.mrk.json", string.Create(CultureInfo.InvariantCulture, $$"""
            {"markups": [{"type": "Fiducial", "coordinateSystem": "LPS", "controlPoints": [
              {"label": "apex", "position": [{{-x1}}, {{-y1}}, {{z1}}]},
              {"label": "base", "position": [{{-x2}}, {{-y2}}, {{z2}}]}]}]}
            """));
        var result = _p.Build(Head + """

              - {id: pts, kind: labels, path: points, format: slicer-markups, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: marks, kind: landmarks, source: pts, points: [apex, base, tip], on_fail: warn}
            output: {layout: nifti}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        using var doc = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "marks.json")));
        var item = Assert.Single(doc.RootElement.GetProperty("items").EnumerateArray().ToList());
        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "marks.report.json")));
        Assert.Equal("expected point 'tip' is missing", Assert.Single(report.RootElement.GetProperty("violations").EnumerateArray().ToList()).GetProperty("message").GetString());

        // nibabel maps each published RAS position through the published image's inverse affine to the voxel given.
        var volume = _p.Combine("out", "nifti", item.GetProperty("patient").GetString()!, item.GetProperty("series").GetString()! + ".nii.gz");
        foreach (var point in item.GetProperty("points").EnumerateArray())
        {
            var pos = point.GetProperty("position").EnumerateArray().Select(v => v.GetDouble().ToString("R", CultureInfo.InvariantCulture)).ToList();
            var run = Oracle.Run(python, ["-c", """
                import sys, nibabel as nb, numpy as np
                i = nb.load(sys.argv[1]); p = np.array([float(v) for v in sys.argv[2:5]] + [1.0])
                print(" ".join("%.3f" % v for v in (np.linalg.inv(i.affine) @ p)[:3]))
                """, volume, .. pos]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            var voxel = point.GetProperty("voxel").EnumerateArray().Select(v => v.GetDouble().ToString("0.000", CultureInfo.InvariantCulture));
            Assert.Equal(run.StandardOutput.Trim(), string.Join(" ", voxel));
        }
        var expected = new[] { "2.000 3.000 1.000", "5.000 5.000 2.000" };
        Assert.Equal(expected, item.GetProperty("points").EnumerateArray()
            .Select(p => string.Join(" ", p.GetProperty("voxel").EnumerateArray().Select(v => v.GetDouble().ToString("0.000", CultureInfo.InvariantCulture)))).ToArray());
    }

    [Fact]
    public void Landmarks_from_csv_report_points_outside_the_volume_and_missing_coordinates()
    {
        var s = _p.Series;
        var image = LabelProject.Stack(s[1]);
        var (x, y, z) = image.Affine.Apply(1, 1, 1);
        var (fx, fy, fz) = image.Affine.Apply(1, 1, 40);     // 40 slices beyond a 4-slice volume
        _p.Write("points.csv", string.Create(CultureInfo.InvariantCulture,
            $"SeriesInstanceUID,name,x,y,z\n{s[1].SeriesUid},apex,{x},{y},{z}\n{s[1].SeriesUid},base,{fx},{fy},{fz}\n{s[2].SeriesUid},apex,{x},,{z}\n{s[2].SeriesUid},base,{x},{y},{z}\n"));
        var result = _p.Build(Head + """

              - {id: pts, kind: labels, path: points.csv, format: landmarks-csv, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: marks, kind: landmarks, source: pts, points: [apex, base]}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "marks.report.json")));
        var messages = report.RootElement.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("message").GetString()!).Order().ToList();
        Assert.Equal(["point 'apex' (", "point 'base' lies outside the image volume"], messages.Select(m => m.StartsWith("point 'apex' (", StringComparison.Ordinal) ? "point 'apex' (" : m).ToArray());
        // on_fail exclude (the default): both series' landmarks are held back.
        using var doc = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "marks.json")));
        Assert.Empty(doc.RootElement.GetProperty("items").EnumerateArray());
    }
}
