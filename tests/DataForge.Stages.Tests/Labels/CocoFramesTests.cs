using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Png;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

/// <summary>Boxes on a frame of a multi-frame image, and boxes outside their image under on_fail: warn, through the coco layout.</summary>
public sealed class CocoFramesTests : IDisposable
{
    private readonly PngProject _p = new(ct: false);

    public void Dispose() => _p.Dispose();

    private string Original(string file) => DicomReader.ReadFile(_p.Combine("raw", "2d", file)).Dataset.GetString(DicomTags.SOPInstanceUID)!.Trim();

    private string NewUid(string file) => _p.Inputs().Single(i => i.Path.EndsWith("/" + file, StringComparison.Ordinal)).Sop;

    private void WriteCoco()
    {
        Skip.IfNot(File.Exists(_p.Combine("raw", "2d", "us-cine.dcm")), "pydicom's test files are not installed");
        var coco = new
        {
            images = new object[]
            {
                // The second frame of the two-frame cine, named as the png layout names frames.
                new Dictionary<string, object> { ["id"] = 1, ["file_name"] = $"{Original("us-cine.dcm")}-0002.png", ["width"] = 100, ["height"] = 100 },
                // A frame the instance does not have.
                new Dictionary<string, object> { ["id"] = 2, ["file_name"] = "x.png", ["SOPInstanceUID"] = Original("us-cine.dcm"), ["frame"] = 3, ["width"] = 100, ["height"] = 100 },
                new Dictionary<string, object> { ["id"] = 3, ["file_name"] = $"{Original("cr.dcm")}.png", ["width"] = 128, ["height"] = 128 },
            },
            categories = new object[] { new { id = 1, name = "lesion" } },
            annotations = new object[]
            {
                new { id = 1, image_id = 1, category_id = 1, bbox = new[] { 10.0, 20, 30, 40 }, iscrowd = 0 },
                new { id = 2, image_id = 2, category_id = 1, bbox = new[] { 1.0, 1, 2, 2 }, iscrowd = 0 },
                new { id = 3, image_id = 3, category_id = 1, bbox = new[] { 5.0, 6, 7, 8 }, iscrowd = 0 },
                new { id = 4, image_id = 3, category_id = 1, bbox = new[] { 100.0, 110, 50, 10 }, iscrowd = 0 },  // crosses the right edge
                new { id = 5, image_id = 3, category_id = 1, bbox = new[] { 200.0, 200, 10, 10 }, iscrowd = 0 },  // wholly outside
            },
        };
        Directory.CreateDirectory(_p.Combine("coco"));
        File.WriteAllText(_p.Combine("coco", "boxes.json"), JsonSerializer.Serialize(coco));
    }

    private const string Manifest = """
        version: 1
        name: frames
        sources:
          - {id: raw, kind: dicom, path: raw}
          - {id: coco, kind: labels, path: coco/boxes.json, format: coco}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}]
          annotations:
            - {name: findings, kind: boxes, source: coco, on_fail: warn}
        output: {layout: coco}
        """;

    [SkippableFact]
    public async Task A_box_on_a_frame_lands_on_that_frames_image_and_boxes_outside_are_clipped_or_dropped_and_reported()
    {
        var python = Oracle.RequirePython("numpy", "PIL");
        WriteCoco();
        var result = _p.Build(Manifest);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        // The label file names the frame; the frame that does not exist is a link violation.
        using var labels = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "findings.json")));
        var framed = labels.RootElement.GetProperty("items").EnumerateArray().Single(i => i.TryGetProperty("frame", out _));
        Assert.Equal((NewUid("us-cine.dcm"), 2), (framed.GetProperty("image").GetString(), framed.GetProperty("frame").GetInt32()));
        using var report = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "labels", "findings.report.json")));
        Assert.Contains(report.RootElement.GetProperty("violations").EnumerateArray(),
            v => v.GetProperty("check").GetString() == "link" && v.GetProperty("message").GetString()!.Contains("names frame 3 of an image of 2 frames"));

        var text = File.ReadAllText(_p.Combine("out", "coco", "annotations", "all.json"));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Oracles", "coco.schema.json"));
        Assert.Empty(schema.Validate(text));
        // check_coco.py: every bbox inside its image, every image file there at its size.
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_coco.py"), _p.Combine("out"), "0,1"]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);

        using var doc = JsonDocument.Parse(text);
        var images = doc.RootElement.GetProperty("images").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetInt32());
        var annotations = doc.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal(3, annotations.Count);
        var onFrame = annotations.Single(a => images[a.GetProperty("image_id").GetInt32()].TryGetProperty("frame", out _));
        var frameImage = images[onFrame.GetProperty("image_id").GetInt32()];
        Assert.Equal((NewUid("us-cine.dcm"), 2), (frameImage.GetProperty("sop_instance_uid").GetString(), frameImage.GetProperty("frame").GetInt32()));
        Assert.Equal($"{NewUid("us-cine.dcm")}-0002.png", frameImage.GetProperty("file_name").GetString());
        Assert.Equal(new double[] { 10, 20, 30, 40 }, onFrame.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        // The box across the edge keeps the part inside the 128 x 128 image: x 100..128, y 110..120.
        Assert.Contains(annotations, a => a.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).SequenceEqual([100, 110, 28, 10])
            && a.GetProperty("area").GetDouble() == 280);

        using var fixes = JsonDocument.Parse(File.ReadAllText(_p.Combine("out", "coco", "report.json")));
        Assert.Equal(1, fixes.RootElement.GetProperty("clipped").GetInt32());
        Assert.Equal(1, fixes.RootElement.GetProperty("dropped").GetInt32());
        Assert.All(fixes.RootElement.GetProperty("boxes").EnumerateArray(), b => Assert.Equal($"{NewUid("cr.dcm")}.png", b.GetProperty("file_name").GetString()));
        Assert.DoesNotContain(Original("us-cine.dcm"), text + File.ReadAllText(_p.Combine("out", "coco", "report.json")));
    }
}
