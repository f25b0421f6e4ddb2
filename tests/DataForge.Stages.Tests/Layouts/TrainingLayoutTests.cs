using System.Text.Json;
using DataForge.Stages.Splits;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Layouts;

public sealed class TrainingLayoutTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 6);

    public void Dispose() => _p.Dispose();

    /// <summary>Masks of the body (HU above -500) with class id 2 for every series but the last.</summary>
    private void WriteMasks()
    {
        foreach (var s in _p.Series.Take(_p.Series.Count - 1))
            LabelProject.WriteMask(LabelProject.Threshold(LabelProject.Stack(s), -500, label: 2), _p.Combine("masks", s.SeriesUid + ".nii.gz"));
    }

    private string Manifest(string layout) => $$"""
        version: 1
        name: layouts
        sources:
          - {id: ct, kind: dicom, path: raw}
          - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 2, name: body}]
          annotations:
            - {name: body, kind: mask, source: seg}
        splits:
          ratios: {train: 0.5, val: 0.2, test: 0.3}
          seed: 5
          folds: 2
        output: {layout: {{layout}}}
        """;

    private IReadOnlyDictionary<string, (string Split, int? Fold)> Splits() =>
        SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));

    /// <summary>The published label file names no mask path: the layout publishes the masks under its own case names.</summary>
    private void AssertLabelFileNamesNoUnpublishedMask()
    {
        using var file = JsonDocument.Parse(File.ReadAllBytes(_p.Combine("out", "labels", "body.json")));
        var items = file.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.False(i.TryGetProperty("mask", out var mask) && !File.Exists(_p.Combine("out", mask.GetString()!)),
            $"the label file names {i}, which is not in out/"));
        Assert.All(items, i => Assert.NotEmpty(i.GetProperty("classes").EnumerateArray()));
    }

    [SkippableFact]
    public void The_nnunet_layout_passes_the_integrity_rules_of_nnunet_read_back_with_nibabel()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        WriteMasks();
        var result = _p.Build(Manifest("nnunet"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_nnunet.py"), _p.Combine("out"), "-500"]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        using var doc = JsonDocument.Parse(run.StandardOutput);
        var root = doc.RootElement;
        // Class ids 0 and 2 become the consecutive 0 and 1 nnU-Net requires.
        Assert.Equal("""{"background":0,"body":1}""", root.GetProperty("labels").GetRawText().Replace(" ", ""));
        Assert.Equal("""{"0":"CT"}""", root.GetProperty("channel_names").GetRawText().Replace(" ", ""));

        // Training: the labelled series of patients outside test; imagesTs: the test patients.
        var splits = Splits();
        var training = root.GetProperty("training").EnumerateArray().Select(c => c.GetString()!).ToList();
        var test = root.GetProperty("test").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.All(training, c => Assert.NotEqual("test", splits[c[..^4]].Split));
        Assert.All(test, c => Assert.Equal("test", splits[c[..^4]].Split));
        // One CT series per patient: every test patient is in imagesTs; every other patient trains except
        // the one whose series has no mask, when it is not a test patient.
        Assert.Equal(splits.Count(s => s.Value.Split == "test"), test.Count);
        Assert.InRange(splits.Count(s => s.Value.Split != "test") - training.Count, 0, 1);
        Assert.Equal(training.Count, root.GetProperty("numTraining").GetInt32());
        AssertLabelFileNamesNoUnpublishedMask();
    }

    [SkippableFact]
    public void The_monai_datalist_names_existing_images_and_labels_by_split()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        WriteMasks();
        var result = _p.Build(Manifest("monai"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_monai.py"), _p.Combine("out", "datalist.json")]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        using var doc = JsonDocument.Parse(run.StandardOutput);
        var splits = Splits();
        var names = new Dictionary<string, string> { ["training"] = "train", ["validation"] = "val", ["test"] = "test" };
        var seen = 0;
        foreach (var list in doc.RootElement.EnumerateObject())
            foreach (var entry in list.Value.EnumerateArray())
            {
                var patient = entry.GetProperty("case").GetString()![..^4];
                Assert.Equal(names[list.Name], splits[patient].Split);
                if (list.Name != "test") Assert.True(entry.GetProperty("label").GetBoolean());
                seen++;
            }
        // Every series is listed except an unlabelled one outside test.
        Assert.InRange(seen, 5, 6);
        using var datalist = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "datalist.json")));
        Assert.All(datalist.RootElement.GetProperty("training").EnumerateArray(), e => Assert.Equal(JsonValueKind.Number, e.GetProperty("fold").ValueKind));
        AssertLabelFileNamesNoUnpublishedMask();
    }

    [Fact]
    public void A_rebuild_of_the_nnunet_layout_in_another_folder_gives_the_same_bytes()
    {
        WriteMasks();
        Assert.True(_p.Build(Manifest("nnunet")).Succeeded);
        var first = Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_p.Combine("out"), f), File.ReadAllBytes);
        Directory.Delete(_p.Combine(".dataforge"), recursive: true);
        Directory.Delete(_p.Combine("out"), recursive: true);
        Assert.True(_p.Build(Manifest("nnunet")).Succeeded);
        var second = Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_p.Combine("out"), f), File.ReadAllBytes);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.All(first, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(second[kv.Key]), kv.Key));
    }

    [Fact]
    public void A_monai_datalist_without_masks_lists_every_series_with_its_categorical_labels()
    {
        var rows = _p.Series.Select((s, i) => $"{s.PatientId},{s.Issuer},{(i % 2 == 0 ? "high" : "low")}");
        _p.Write("grades.csv", "PatientID,IssuerOfPatientID,grade\n" + string.Join("\n", rows) + "\n");
        var result = _p.Build("""
            version: 1
            name: classify
            sources:
              - {id: ct, kind: dicom, path: raw}
              - {id: grades, kind: labels, path: grades.csv, format: csv, key: PatientID}
            deidentify: {profile: basic}
            labels:
              annotations:
                - {name: grade, kind: categorical, source: grades}
            splits:
              ratios: {train: 0.7, test: 0.3}
            output: {layout: monai}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        using var labels = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "grade.json")));
        var grade = labels.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("patient").GetString()!, i => i.GetProperty("value").GetString()!);
        Assert.Equal(6, grade.Count);
        using var datalist = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "datalist.json")));
        var entries = datalist.RootElement.EnumerateObject().SelectMany(l => l.Value.EnumerateArray()).ToList();
        Assert.Equal(6, entries.Count);
        foreach (var e in entries)
        {
            var image = e.GetProperty("image").GetString()!;
            Assert.True(File.Exists(_p.Combine("out", image)), image);
            Assert.Equal(grade[Path.GetFileName(image)[..^"_000.nii.gz".Length]], e.GetProperty("grade").GetString());
        }
    }
}
