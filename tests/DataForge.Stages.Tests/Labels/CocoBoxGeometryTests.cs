using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Png;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

/// <summary>
/// COCO boxes through resample and crop_or_pad before the coco layout, checked against scipy.ndimage: each input box
/// rasterised, moved with map_coordinates(order=0) on the grid the README documents, and its extent compared with our
/// bbox (check_box_geometry.py). The spacings avoid exact half-pixel sample positions, where two nearest-neighbour
/// rounding rules may differ. CR: 128x128 at 0.25 mm rows x 0.5 mm columns; DX: 64x64 at 0.3125 mm.
/// </summary>
public sealed class CocoBoxGeometryTests : IDisposable
{
    private readonly PngProject _p = new(ct: false);

    public void Dispose() => _p.Dispose();

    private static readonly double[] Spacing = [1.1, 0.37];
    private static readonly int[] Shape = [40, 60];

    private string Original(string file) => DicomReader.ReadFile(_p.Combine("raw", "2d", file)).Dataset.GetString(DicomTags.SOPInstanceUID)!.Trim();

    /// <summary>Column-major runs of a rectangle of a height x width image (COCO's uncompressed RLE).</summary>
    private static long[] Rectangle(int height, int width, int x0, int y0, int x1, int y1)
    {
        var counts = new List<long>();
        long run = 0;
        var current = false;
        for (var x = 0; x < width; x++)
            for (var y = 0; y < height; y++)
            {
                var inside = x >= x0 && x < x1 && y >= y0 && y < y1;
                if (inside != current) { counts.Add(run); run = 0; current = inside; }
                run++;
            }
        counts.Add(run);
        return [.. counts];
    }

    private static readonly object[] CrBoxes =
    [
        new { bbox = new[] { 30.0, 40, 40, 30 } },                                                     // inside
        new { segmentation = new[] { new[] { 40.0, 50, 80, 50, 80, 90, 40, 90 } } },                 // inside
        new { segmentation = new[] { new[] { 5.0, 30, 50, 30, 50, 60, 5, 60 } } },                   // cut by the crop's left edge
        new { bbox = new[] { 0.0, 0, 15, 15 } },                                                       // cropped away
        new { bbox = new[] { 100.0, 100, 25, 25 } },                                                   // cut at the bottom right
        new { segmentation = (object)new { size = new[] { 128, 128 }, counts = Rectangle(128, 128, 60, 50, 76, 71) } },
    ];

    private static readonly object[] DxBoxes =
    [
        new { bbox = new[] { 5.0, 6, 50, 40 } },
        new { segmentation = (object)new { size = new[] { 64, 64 }, counts = Rectangle(64, 64, 10, 20, 31, 41) } },
    ];

    private void WriteCoco()
    {
        var annotations = new List<object>();
        foreach (var (image, boxes) in new[] { (1, CrBoxes), (2, DxBoxes) })
            foreach (var box in boxes)
            {
                var o = JsonSerializer.SerializeToNode(box)!.AsObject();
                o["id"] = annotations.Count + 1;
                o["image_id"] = image;
                o["category_id"] = 1;
                o["iscrowd"] = o.ContainsKey("segmentation") && o["segmentation"] is JsonObject ? 1 : 0;
                annotations.Add(o);
            }
        var coco = new
        {
            images = new object[]
            {
                new Dictionary<string, object> { ["id"] = 1, ["file_name"] = $"{Original("cr.dcm")}.png", ["width"] = 128, ["height"] = 128 },
                new Dictionary<string, object> { ["id"] = 2, ["file_name"] = $"{Original("dx.dcm")}.png", ["width"] = 64, ["height"] = 64 },
            },
            categories = new object[] { new { id = 1, name = "lesion" } },
            annotations,
        };
        Directory.CreateDirectory(_p.Combine("coco"));
        File.WriteAllText(_p.Combine("coco", "boxes.json"), JsonSerializer.Serialize(coco));
    }

    private static string Manifest(string onFail) => $$"""
        version: 1
        name: coco
        sources:
          - {id: raw, kind: dicom, path: raw}
          - {id: coco, kind: labels, path: coco/boxes.json, format: coco}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}]
          annotations:
            - {name: findings, kind: boxes, source: coco, on_fail: {{onFail}}}
        harmonise:
          - resample: {spacing: [{{Spacing[0]}}, {{Spacing[1]}}, 1], interpolation: nearest}
          - crop_or_pad: {shape: [{{Shape[0]}}, {{Shape[1]}}, 1]}
        output: {layout: coco}
        """;

    private Engine.Building.BuildResult Build(string onFail)
    {
        WriteCoco();
        var result = _p.Build(Manifest(onFail));
        // The colour US images cannot be harmonised (one intensity per voxel); nothing else may fail.
        Assert.All(result.Failures, f => Assert.Contains("greyscale", f.Reason));
        return result;
    }

    private JsonElement Read(params string[] path) => JsonDocument.Parse(File.ReadAllText(_p.Combine(["out", .. path]))).RootElement.Clone();

    private string NewSop(string file) => _p.Inputs().Single(i => Path.GetFileName(i.Path) == file).Sop;

    [SkippableFact]
    public void Boxes_polygons_and_rle_follow_resample_and_crop_as_scipy_moves_their_pixels()
    {
        var python = Oracle.RequirePython("numpy", "scipy", "PIL");
        Build("warn");
        var schema = JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "labels.schema.json")).GetAwaiter().GetResult();
        Assert.Empty(schema.Validate(File.ReadAllText(_p.Combine("out", "labels", "findings.harmonised.json"))));
        var harmonised = Read("labels", "findings.harmonised.json").GetProperty("items").EnumerateArray().ToList();
        var report = Read("labels", "findings.harmonised.report.json");
        var coco = Read("coco", "annotations", "all.json");
        var cases = new JsonArray();
        foreach (var (file, boxes, spacing) in new[] { ("cr.dcm", CrBoxes, new[] { 0.25, 0.5 }), ("dx.dcm", DxBoxes, new[] { 0.3125, 0.3125 }) })
        {
            var sop = NewSop(file);
            var entry = harmonised.Single(e => e.GetProperty("image").GetString() == sop);
            var image = coco.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("sop_instance_uid").GetString() == sop);
            var item = $"{entry.GetProperty("patient").GetString()}/{sop}";
            var dropped = report.GetProperty("dropped").EnumerateArray().Where(d => d.GetProperty("item").GetString() == item)
                .Select(d => d.GetProperty("box").GetInt32()).ToHashSet();
            var kept = new Queue<JsonElement>(entry.GetProperty("boxes").EnumerateArray());
            var output = new JsonArray();
            var input = new JsonArray();
            for (var n = 1; n <= boxes.Length; n++)
            {
                output.Add(dropped.Contains(n) ? null : JsonNode.Parse(kept.Dequeue().GetRawText()));
                var box = JsonSerializer.SerializeToNode(boxes[n - 1])!.AsObject();
                input.Add(box["segmentation"] switch
                {
                    JsonObject rle => new JsonObject { ["rle"] = rle["counts"]!.DeepClone() },
                    JsonArray polygons => new JsonObject { ["polygons"] = polygons.DeepClone() },
                    _ => new JsonObject { ["bbox"] = box["bbox"]!.DeepClone() },
                });
            }
            Assert.Empty(kept);
            var size = file == "cr.dcm" ? 128 : 64;
            cases.Add(new JsonObject
            {
                ["height"] = size,
                ["width"] = size,
                ["spacing"] = new JsonArray(spacing[0], spacing[1]),
                ["steps"] = new JsonArray(new JsonObject { ["resample"] = new JsonArray(Spacing[0], Spacing[1]) },
                    new JsonObject { ["crop_or_pad"] = new JsonArray(Shape[0], Shape[1]) }),
                ["size"] = new JsonArray(image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()),
                ["boxes"] = input,
                ["output"] = output,
            });
        }
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_box_geometry.py")],
            standardInput: new JsonObject { ["cases"] = cases }.ToJsonString());
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var summary = JsonDocument.Parse(run.StandardOutput).RootElement;
        Assert.Equal(8, summary.GetProperty("boxes").GetInt32());
        Assert.Equal(1, summary.GetProperty("dropped").GetInt32());
        Assert.Equal(2, report.GetProperty("clipped").GetArrayLength());

        // The layout publishes the moved boxes, every one inside its harmonised image.
        Assert.Equal(7, coco.GetProperty("annotations").GetArrayLength());
        var check = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_coco.py"), _p.Combine("out"), "0,1"]);
        Assert.True(check.ExitCode == 0, check.StandardError + check.StandardOutput);
        Assert.All(coco.GetProperty("images").EnumerateArray().Where(i => i.GetProperty("modality").GetString() is "CR" or "DX"),
            i => Assert.Equal(Shape, new[] { i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32() }));
    }

    [Fact]
    public void With_layout_png_the_moved_boxes_are_published_as_with_coco()
    {
        WriteCoco();
        var result = _p.Build(Manifest("warn").Replace("output: {layout: coco}", "output: {layout: png}"));
        Assert.All(result.Failures, f => Assert.Contains("greyscale", f.Reason));
        var items = Read("labels", "findings.harmonised.json").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { NewSop("cr.dcm"), NewSop("dx.dcm") }.Order(StringComparer.Ordinal),
            items.Select(i => i.GetProperty("image").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(7, items.Sum(i => i.GetProperty("boxes").GetArrayLength()));
        // The labels stage's own file keeps the acquired pixels.
        Assert.Equal(8, Read("labels", "findings.json").GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("boxes").GetArrayLength()));
    }

    [Fact]
    public void Under_exclude_an_image_that_loses_a_box_is_left_out_and_reported()
    {
        Build("exclude");
        var harmonised = Read("labels", "findings.harmonised.json").GetProperty("items").EnumerateArray().ToList();
        var entry = Assert.Single(harmonised);
        Assert.Equal(NewSop("dx.dcm"), entry.GetProperty("image").GetString());
        var dropped = Assert.Single(Read("labels", "findings.harmonised.report.json").GetProperty("dropped").EnumerateArray());
        Assert.EndsWith("/" + NewSop("cr.dcm"), dropped.GetProperty("item").GetString());
        Assert.Equal(4, dropped.GetProperty("box").GetInt32());
        Assert.Equal(2, Read("coco", "annotations", "all.json").GetProperty("annotations").GetArrayLength());
    }

    [Fact]
    public void Under_error_a_dropped_box_fails_the_stage_with_the_image_and_box()
    {
        WriteCoco();
        var result = _p.Build(Manifest("error"));
        var failure = Assert.Single(result.Failures, f => f.StageId == "labels.findings.harmonised");
        Assert.Contains($"/{NewSop("cr.dcm")}: box 4: nothing of the box is left", failure.Reason);
        Assert.DoesNotContain(Original("cr.dcm"), failure.Reason);
    }
}
