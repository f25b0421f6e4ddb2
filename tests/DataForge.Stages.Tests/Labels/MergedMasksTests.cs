using System.Text.Json;
using DataForge.Imaging;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Splits;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Labels;

/// <summary>
/// Two mask annotations of the same series (an organ and a tumour drawn inside it) merged into one label map per case
/// by the training layouts, checked with nibabel and numpy against the masks painted in manifest order.
/// </summary>
public sealed class MergedMasksTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 6);

    public void Dispose() => _p.Dispose();

    // The synthetic chest: body, heart and spine above -100 HU, lungs -850, air -1000. The organ is the body; the
    // "tumour" is body and lungs in the first two of the four slices: voxels of the organ only, of both and of the
    // tumour only, so that the painting order shows.
    private const float Organ = -500;
    private const float Tumour = -900;
    private const int TumourSlices = 2;

    /// <summary>Organ masks for every series; tumour masks for all but the last two.</summary>
    private void WriteMasks()
    {
        foreach (var s in _p.Series)
            LabelProject.WriteMask(LabelProject.Threshold(LabelProject.Stack(s), Organ, label: 2), _p.Combine("organ", s.SeriesUid + ".nii.gz"));
        foreach (var s in _p.Series.Take(4))
        {
            var mask = LabelProject.Threshold(LabelProject.Stack(s), Tumour, label: 5);
            var data = mask.ToSingles().Select(v => (byte)v).ToArray();
            var slice = mask.Shape[0] * mask.Shape[1];
            Array.Clear(data, TumourSlices * slice, data.Length - TumourSlices * slice);
            LabelProject.WriteMask(new Volume(mask.Shape.ToArray(), data, mask.Affine), _p.Combine("tumour", s.SeriesUid + ".nii.gz"));
        }
    }

    private static string Manifest(string layout, string tumour, string harmonise = "") => $$"""
        version: 1
        name: merged
        sources:
          - {id: ct, kind: dicom, path: raw}
          - {id: organ, kind: labels, path: organ, format: nifti-mask, key: SeriesInstanceUID}
          - {id: tumour, kind: labels, path: tumour, format: nifti-mask, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 2, name: organ}, {id: 5, name: tumour}]
          annotations:
            - {name: organ, kind: mask, source: organ}
            - {name: tumour, kind: mask, source: {{tumour}}}
        splits:
          ratios: {train: 0.6, test: 0.4}
          seed: 3
        {{harmonise}}output: {layout: {{layout}}}
        """;

    /// <summary>Case name (one CT series per patient: PSEUDONYM_000) of each original series, in folder order.</summary>
    private List<string> Cases()
    {
        var keys = new KeyedIdentity(LabelProject.Secret);
        return _p.Series.Select(s => keys.Pseudonym("id:" + s.Issuer + "\0" + s.PatientId, "ANON-") + "_000").ToList();
    }

    private IReadOnlyDictionary<string, (string Split, int? Fold)> Splits() =>
        SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));

    /// <summary>layout.report.json, checked against its schema.</summary>
    private JsonElement Report()
    {
        var text = File.ReadAllText(_p.Combine("out", "layout.report.json"));
        var schema = NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "layout-report.schema.json")).GetAwaiter().GetResult();
        Assert.Empty(schema.Validate(text));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private (JsonElement Result, List<string> Expected) CheckNnUnet(bool tumourRequired)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var cases = Cases();
        var splits = Splits();
        // The masks of each labelled case outside the test split, in manifest order.
        var spec = new Dictionary<string, object[][]>();
        for (var i = 0; i < cases.Count; i++)
        {
            if (splits[cases[i][..^4]].Split == "test" || (tumourRequired && i >= 4)) continue;
            spec[cases[i]] = i < 4 ? [[Organ, "organ"], [Tumour, "tumour", TumourSlices]] : [[Organ, "organ"]];
        }
        var specPath = _p.Combine("spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec));
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_nnunet.py"), _p.Combine("out"), specPath]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return (JsonDocument.Parse(run.StandardOutput).RootElement.Clone(), spec.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [SkippableFact]
    public void The_nnunet_label_of_a_case_is_its_masks_painted_in_manifest_order_and_overlaps_are_counted()
    {
        WriteMasks();
        var result = _p.Build(Manifest("nnunet", "tumour"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var (root, expected) = CheckNnUnet(tumourRequired: false);
        Assert.Equal("""{"background":0,"organ":1,"tumour":2}""", root.GetProperty("labels").GetRawText().Replace(" ", ""));
        Assert.Equal(expected, root.GetProperty("training").EnumerateArray().Select(c => c.GetString()!).ToList());
        // The tumour covers part of the organ: numpy's count of doubly claimed voxels is the report's.
        var report = Report();
        var overlaps = report.GetProperty("overlaps").EnumerateArray().ToDictionary(o => o.GetProperty("case").GetString()!, o => o.GetProperty("voxels").GetInt64());
        var theirs = root.GetProperty("overlaps").EnumerateObject().Where(o => o.Value.GetInt64() > 0).ToDictionary(o => o.Name, o => o.Value.GetInt64());
        Assert.NotEmpty(theirs);
        Assert.Equal(theirs.OrderBy(o => o.Key), overlaps.OrderBy(o => o.Key));
        // The training cases without a tumour mask are labelled with their organ: the report says which (nnU-Net's
        // test cases carry no label, so none of them is listed).
        var splits = Splits();
        var partial = Cases().Skip(4).Where(c => splits[c[..^4]].Split != "test").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(partial);
        Assert.Equal(partial,
            report.GetProperty("partial").EnumerateArray().Select(p => p.GetProperty("case").GetString()!));
        Assert.All(report.GetProperty("partial").EnumerateArray(), p => Assert.Equal(["tumour"], p.GetProperty("missing").EnumerateArray().Select(m => m.GetString())));
        Assert.Empty(report.GetProperty("excluded").EnumerateArray());
    }

    [SkippableFact]
    public void A_case_without_the_mask_of_a_required_annotation_is_not_a_training_case_with_on_fail_exclude()
    {
        WriteMasks();
        var result = _p.Build(Manifest("nnunet", "tumour, required: true, on_fail: exclude"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var (root, expected) = CheckNnUnet(tumourRequired: true);
        Assert.Equal(expected, root.GetProperty("training").EnumerateArray().Select(c => c.GetString()!).ToList());
        var report = Report();
        var splits = Splits();
        var excluded = Cases().Skip(4).Where(c => splits[c[..^4]].Split != "test").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(excluded);
        Assert.Equal(excluded,
            report.GetProperty("excluded").EnumerateArray().Select(p => p.GetProperty("case").GetString()!));
        Assert.Empty(report.GetProperty("partial").EnumerateArray());
        Assert.Equal(expected.Count, report.GetProperty("lists").GetProperty("training").GetInt32());
    }

    [Fact]
    public void A_case_without_the_mask_of_a_required_annotation_fails_the_build_with_on_fail_error_naming_no_phi()
    {
        WriteMasks();
        var result = _p.Build(Manifest("nnunet", "tumour, required: true, on_fail: error"));
        Assert.False(result.Succeeded);
        var reasons = string.Join("\n", result.Failures.Select(f => $"{f.StageId}: {f.Reason}"));
        // The labels stage fails on the unlabelled series, and the export on a case without the tumour mask.
        Assert.Contains("labels.tumour: 2 labels fail their checks (on_fail: error)", reasons, StringComparison.Ordinal);
        Assert.Matches(@"export: output\.layout nnunet: case ANON-[A-Z0-9]{10}_000 has no mask of the required annotation 'tumour' \(on_fail: error\)", reasons);
        Assert.False(File.Exists(_p.Combine("out", "dataset.json")));
        Assert.All(_p.Series, s => Assert.DoesNotContain(s.PatientId, reasons, StringComparison.Ordinal));
        Assert.All(_p.Series, s => Assert.DoesNotContain(s.SeriesUid, reasons, StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("harmonise:\n  - reorient: LAS\n")]
    public void The_monai_label_is_the_merged_map_and_each_annotation_names_its_own_mask(string harmonise)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        WriteMasks();
        var result = _p.Build(Manifest("monai", "tumour", harmonise));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var cases = Cases();
        var spec = cases.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i < 4
            ? new object[][] { [Organ, 2, "organ"], [Tumour, 5, "tumour", TumourSlices] }
            : [[Organ, 2, "organ"]]);
        var specPath = _p.Combine("spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec));
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_monai.py"), _p.Combine("out", "datalist.json"), specPath]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var listed = JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateObject().SelectMany(l => l.Value.EnumerateArray()).ToList();
        // Every case has an organ mask: all six are listed, each with its label checked.
        Assert.Equal(cases.Order(StringComparer.Ordinal), listed.Select(e => e.GetProperty("case").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(listed, e => Assert.True(e.GetProperty("label").GetBoolean()));
        Assert.Equal(4, listed.Count(e => e.GetProperty("masks").EnumerateArray().Count() == 2));
        var report = Report();
        Assert.Equal(cases.Skip(4).Order(StringComparer.Ordinal), report.GetProperty("partial").EnumerateArray().Select(p => p.GetProperty("case").GetString()!));
        Assert.False(report.TryGetProperty("dropped_test_cases", out _));
    }
}
