using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Png;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

public sealed class BoxImportTests : IDisposable
{
    private readonly PngProject _p = new(ct: false);

    public void Dispose() => _p.Dispose();

    private string Original(string file) => DicomReader.ReadFile(_p.Combine("raw", "2d", file)).Dataset.GetString(DicomTags.SOPInstanceUID)!.Trim();

    private string NewUid(string file) => _p.Inputs().Single(i => i.Path.EndsWith("/" + file, StringComparison.Ordinal)).Sop;

    /// <summary>A 64x64 mask whose pixels x 10..19, y 30..34 are set: bbox [10, 30, 10, 5], area 50.</summary>
    private static byte[] Rectangle()
    {
        var mask = new byte[64 * 64];
        for (var y = 30; y < 35; y++)
            for (var x = 10; x < 20; x++) mask[y * 64 + x] = 1;
        return mask;
    }

    private string Manifest(string onFail) => $$"""
        version: 1
        name: boxes
        sources:
          - {id: raw, kind: dicom, path: raw}
          - {id: coco, kind: labels, path: coco/boxes.json, format: coco, key: SOPInstanceUID}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}, {id: 2, name: device}]
          annotations:
            - {name: findings, kind: boxes, source: coco, on_fail: {{onFail}}}
        output: {layout: png}
        """;

    private void WriteCoco(string rle)
    {
        var coco = new
        {
            images = new object[]
            {
                new Dictionary<string, object> { ["id"] = 1, ["file_name"] = "x/cr.png", ["width"] = 128, ["height"] = 128, ["SOPInstanceUID"] = Original("cr.dcm") },
                new Dictionary<string, object> { ["id"] = 2, ["file_name"] = $"images/{Original("dx.dcm")}.png", ["width"] = 64, ["height"] = 64 },
                new Dictionary<string, object> { ["id"] = 3, ["file_name"] = "us.png", ["width"] = 100, ["height"] = 100, ["SOPInstanceUID"] = Original("us-rgb.dcm") },
                new Dictionary<string, object> { ["id"] = 4, ["file_name"] = "ybr.png", ["width"] = 100, ["height"] = 100, ["SOPInstanceUID"] = Original("us-ybr.dcm") },
                new Dictionary<string, object> { ["id"] = 5, ["file_name"] = "1.2.3.999.png", ["width"] = 10, ["height"] = 10 },
            },
            categories = new object[] { new { id = 1, name = "lesion" }, new { id = 2, name = "device" }, new { id = 7, name = "NOT-A-CLASS" } },
            annotations = new object[]
            {
                new { id = 11, image_id = 1, category_id = 1, bbox = new[] { 10.0, 20, 30, 40 }, iscrowd = 0 },
                new { id = 12, image_id = 1, category_id = 2, segmentation = new[] { new[] { 5.0, 5, 25, 5, 25, 15, 5, 15 } }, iscrowd = 0 },
                new { id = 13, image_id = 2, category_id = 1, segmentation = (object)new { size = new[] { 64, 64 }, counts = rle }, iscrowd = 1 },
                new { id = 14, image_id = 3, category_id = 1, bbox = new[] { 95.0, 95, 10, 10 }, iscrowd = 0 },
                new { id = 15, image_id = 4, category_id = 7, bbox = new[] { 1.0, 1, 2, 2 }, iscrowd = 0 },
            },
        };
        Directory.CreateDirectory(_p.Combine("coco"));
        File.WriteAllText(_p.Combine("coco", "boxes.json"), JsonSerializer.Serialize(coco));
    }

    /// <summary>The rectangle's compressed RLE as the numpy implementation writes it.</summary>
    private static string NumpyRle(string python)
    {
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "coco_rle.py"), "encode"],
            standardInput: JsonSerializer.Serialize(new { height = 64, width = 64, masks = new[] { Rectangle().Select(b => (int)b) } }));
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("counts")[0].GetString()!;
    }

    [SkippableFact]
    public async Task Boxes_polygons_and_rle_are_carried_to_new_uids_and_bad_images_are_excluded_and_reported()
    {
        var python = Oracle.RequirePython("numpy");
        WriteCoco(NumpyRle(python));
        var result = _p.Build(Manifest("exclude"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var text = File.ReadAllText(_p.Combine("out", "labels", "findings.json"));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "labels.schema.json"));
        Assert.Empty(schema.Validate(text));
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("boxes", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal("image", doc.RootElement.GetProperty("level").GetString());
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("image").GetString()!);
        Assert.Equal(new[] { NewUid("cr.dcm"), NewUid("dx.dcm") }.Order(), items.Keys.Order());

        var cr = items[NewUid("cr.dcm")].GetProperty("boxes").EnumerateArray().ToList();
        Assert.Equal(new double[] { 10, 20, 30, 40 }, cr[0].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(("lesion", 1, 1200.0), (cr[0].GetProperty("class").GetString(), cr[0].GetProperty("class_id").GetInt32(), cr[0].GetProperty("area").GetDouble()));
        // A polygon without bbox: its extent and its area.
        Assert.Equal(new double[] { 5, 5, 20, 10 }, cr[1].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(200, cr[1].GetProperty("area").GetDouble());
        Assert.Equal(2, cr[1].GetProperty("class_id").GetInt32());

        var dx = Assert.Single(items[NewUid("dx.dcm")].GetProperty("boxes").EnumerateArray());
        Assert.Equal(new double[] { 10, 30, 10, 5 }, dx.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(50, dx.GetProperty("area").GetDouble());
        Assert.Equal(1, dx.GetProperty("iscrowd").GetInt32());
        Assert.Equal(NumpyRle(python), dx.GetProperty("rle").GetProperty("counts").GetString());

        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "findings.report.json")));
        var violations = report.RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("item").GetString()!, v.GetProperty("check").GetString()!)).ToList();
        Assert.Contains(violations, v => v.Item2 == "inside" && v.Item1.EndsWith(NewUid("us-rgb.dcm"), StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Item2 == "class" && v.Item1.EndsWith(NewUid("us-ybr.dcm"), StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Item2 == "link" && v.Item1.EndsWith("#image5", StringComparison.Ordinal));
        Assert.Equal(3, violations.Count);
        // Original UIDs and the file's own category names stay in the private zone.
        var published = File.ReadAllText(_p.Combine("out", "labels", "findings.report.json")) + text;
        foreach (var file in new[] { "cr.dcm", "dx.dcm", "us-rgb.dcm", "us-ybr.dcm" }) Assert.DoesNotContain(Original(file), published);
        Assert.DoesNotContain("NOT-A-CLASS", published);
    }

    [SkippableFact]
    public void With_on_fail_warn_the_failing_images_are_published_too()
    {
        var python = Oracle.RequirePython("numpy");
        WriteCoco(NumpyRle(python));
        var result = _p.Build(Manifest("warn"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        using var doc = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "findings.json")));
        Assert.Equal(4, doc.RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public void A_file_that_is_not_coco_fails_the_stage_with_its_hash_and_what_is_missing()
    {
        Directory.CreateDirectory(_p.Combine("coco"));
        File.WriteAllText(_p.Combine("coco", "boxes.json"), """{"images": []}""");
        var result = _p.Build(Manifest("exclude"));
        var failure = Assert.Single(result.Failures);
        Assert.Contains("a COCO file has a 'categories' array", failure.ToString());
    }
}
