using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Png;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Layouts;

public sealed class CocoLayoutTests : IDisposable
{
    private readonly PngProject _p = new(ct: false);

    public void Dispose() => _p.Dispose();

    private string Original(string file) => DicomReader.ReadFile(_p.Combine("raw", "2d", file)).Dataset.GetString(DicomTags.SOPInstanceUID)!.Trim();

    private void WriteCoco()
    {
        var coco = new
        {
            images = new object[]
            {
                new Dictionary<string, object> { ["id"] = 1, ["file_name"] = $"{Original("cr.dcm")}.png", ["width"] = 128, ["height"] = 128 },
                new Dictionary<string, object> { ["id"] = 2, ["file_name"] = $"{Original("dx.dcm")}.png", ["width"] = 64, ["height"] = 64 },
                new Dictionary<string, object> { ["id"] = 3, ["file_name"] = $"{Original("us-rgb.dcm")}.png", ["width"] = 100, ["height"] = 100 },
            },
            categories = new object[] { new { id = 1, name = "lesion" }, new { id = 3, name = "device" } },
            annotations = new object[]
            {
                new { id = 1, image_id = 1, category_id = 1, bbox = new[] { 10.0, 20, 30, 40 }, iscrowd = 0 },
                new { id = 2, image_id = 1, category_id = 3, segmentation = new[] { new[] { 5.0, 5, 25, 5, 25, 15, 5, 15 } }, iscrowd = 0 },
                new { id = 3, image_id = 2, category_id = 1, segmentation = (object)new { size = new[] { 64, 64 }, counts = new[] { 100, 20, 3976 } }, iscrowd = 1 },
                new { id = 4, image_id = 3, category_id = 3, bbox = new[] { 90.0, 90, 20, 20 }, iscrowd = 0 }, // outside: excluded
            },
        };
        Directory.CreateDirectory(_p.Combine("coco"));
        File.WriteAllText(_p.Combine("coco", "boxes.json"), JsonSerializer.Serialize(coco));
    }

    private static string Manifest(string splits) => $$"""
        version: 1
        name: coco
        sources:
          - {id: raw, kind: dicom, path: raw}
          - {id: coco, kind: labels, path: coco/boxes.json, format: coco}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}, {id: 3, name: device}]
          annotations:
            - {name: findings, kind: boxes, source: coco}
        {{splits}}
        output: {layout: coco}
        """;

    private JsonElement Check(string python)
    {
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_coco.py"), _p.Combine("out"), "0,1,3"]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        return JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
    }

    [SkippableFact]
    public void The_coco_files_load_with_every_annotation_on_an_existing_image_inside_it_and_categories_from_the_schema()
    {
        var python = Oracle.RequirePython("numpy", "PIL");
        WriteCoco();
        var result = _p.Build(Manifest(""));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var summary = Check(python);
        var all = summary.GetProperty("all");
        // CR, DX, two US images and the two frames of the US cine; boxes: two on CR, one on DX (US excluded).
        Assert.Equal(6, all.GetProperty("images").GetInt32());
        Assert.Equal(6, all.GetProperty("files").GetInt32());
        Assert.Equal(3, all.GetProperty("annotations").GetInt32());

        using var doc = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "coco", "annotations", "all.json")));
        var images = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 6), images.Select(i => i.GetProperty("id").GetInt32()));
        var rle = doc.RootElement.GetProperty("annotations").EnumerateArray().Single(a => a.GetProperty("iscrowd").GetInt32() == 1);
        Assert.Equal(new double[] { 1, 36, 1, 20 }, rle.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(20, rle.GetProperty("area").GetDouble());
        var published = File.ReadAllText(_p.Combine("out", "coco", "annotations", "all.json"));
        foreach (var file in new[] { "cr.dcm", "dx.dcm", "us-rgb.dcm" }) Assert.DoesNotContain(Original(file), published);
    }

    [SkippableFact]
    public void With_splits_each_split_has_its_own_file_and_no_patient_is_in_two()
    {
        var python = Oracle.RequirePython("numpy", "PIL");
        WriteCoco();
        var result = _p.Build(Manifest("splits:\n  ratios: {train: 0.5, val: 0.25, test: 0.25}\n  seed: 6"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var summary = Check(python);
        var splits = DataForge.Stages.Splits.SplitStage.Read(File.ReadAllBytes(_p.Combine("out", "splits.json")));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var split in summary.EnumerateObject())
            foreach (var patient in split.Value.GetProperty("patients").EnumerateArray().Select(p => p.GetString()!))
            {
                Assert.True(seen.Add(patient), "a patient is in two splits");
                Assert.Equal(splits[patient].Split, split.Name);
            }
        Assert.Equal(6, summary.EnumerateObject().Sum(s => s.Value.GetProperty("images").GetInt32()));
        Assert.True(summary.EnumerateObject().Count() >= 2, "the three patients fall in one split: the test shows nothing");
    }

    [Fact]
    public void A_rebuild_in_a_fresh_store_gives_the_same_bytes()
    {
        WriteCoco();
        Assert.Empty(_p.Build(Manifest("")).Failures);
        var first = File.ReadAllBytes(_p.Combine("out", "coco", "annotations", "all.json"));
        Directory.Delete(_p.Combine("out"), true);
        Directory.Delete(_p.Combine(".dataforge"), true);
        Assert.Empty(_p.Build(Manifest("")).Failures);
        Assert.Equal(first, File.ReadAllBytes(_p.Combine("out", "coco", "annotations", "all.json")));
    }
}
