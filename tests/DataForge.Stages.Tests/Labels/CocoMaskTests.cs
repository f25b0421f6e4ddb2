using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Testing;
using NJsonSchema;

namespace DataForge.Stages.Tests.Labels;

/// <summary>
/// COCO masks (and boxes from the same COCO file) on a 2D set: two CR images made from pydicom's CT_small and
/// MR_small (they keep their image plane, so each is a one-slice volume), built to the nnunet and coco layouts.
/// </summary>
public sealed class CocoMaskTests : IDisposable
{
    private static readonly byte[] Secret = "coco-mask-secret-0123456789abcdef"u8.ToArray();
    private const string PydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly TempDirectory _dir = new("dataforge-coco-masks");

    public void Dispose() => _dir.Dispose();

    private string Combine(params string[] parts) => _dir.Combine(parts);

    private void Derive(string name, string target)
    {
        Skip.IfNot(File.Exists(Path.Combine(PydicomFiles, name)), "pydicom's test files are not installed");
        var file = DicomReader.ReadFile(Path.Combine(PydicomFiles, name));
        file.Dataset.Add(DicomTags.Modality, "CR");
        Directory.CreateDirectory(Combine("raw"));
        file.Save(Combine("raw", target));
    }

    private string Original(string file) => DicomReader.ReadFile(Combine("raw", file)).Dataset.GetString(DicomTags.SOPInstanceUID)!.Trim();

    private static readonly long[] DiscRle = Disc();

    /// <summary>Uncompressed RLE counts (column-major) of a disc of radius 9 at (20, 24) on the 64x64 image.</summary>
    private static long[] Disc()
    {
        var counts = new List<long>();
        long run = 0;
        var current = 0;
        for (var x = 0; x < 64; x++)
            for (var y = 0; y < 64; y++)
            {
                var v = (x - 20) * (x - 20) + (y - 24) * (y - 24) <= 81 ? 1 : 0;
                if (v != current) { counts.Add(run); run = 0; current = v; }
                run++;
            }
        counts.Add(run);
        return [.. counts];
    }

    private static readonly double[] Triangle = [60.5, 10.2, 110.7, 40.4, 70.1, 95.8];
    private static readonly double[] Square = [30, 30, 50, 30, 50, 50, 30, 50];

    private void WriteCoco()
    {
        Derive("CT_small.dcm", "ct.dcm");
        Derive("MR_small.dcm", "mr.dcm");
        var coco = new
        {
            images = new object[]
            {
                new Dictionary<string, object> { ["id"] = 1, ["file_name"] = $"{Original("ct.dcm")}.png", ["width"] = 128, ["height"] = 128 },
                new Dictionary<string, object> { ["id"] = 2, ["file_name"] = $"{Original("mr.dcm")}.png", ["width"] = 64, ["height"] = 64 },
            },
            categories = new object[] { new { id = 1, name = "lesion" }, new { id = 2, name = "organ" } },
            annotations = new object[]
            {
                new { id = 1, image_id = 1, category_id = 2, segmentation = new[] { Triangle }, iscrowd = 0 },
                new { id = 2, image_id = 1, category_id = 1, segmentation = new[] { Square }, iscrowd = 0 },
                new { id = 3, image_id = 2, category_id = 1, segmentation = (object)new { size = new[] { 64, 64 }, counts = DiscRle }, iscrowd = 1 },
            },
        };
        Directory.CreateDirectory(Combine("coco"));
        File.WriteAllText(Combine("coco", "objects.json"), JsonSerializer.Serialize(coco));
    }

    private static string Manifest(string layout, string onFail = "exclude") => $$"""
        version: 1
        name: coco-masks
        sources:
          - {id: raw, kind: dicom, path: raw}
          - {id: coco, kind: labels, path: coco/objects.json, format: coco}
        deidentify: {profile: basic}
        labels:
          classes: [{id: 0, name: background}, {id: 1, name: lesion}, {id: 2, name: organ}]
          annotations:
            - {name: outlines, kind: mask, source: coco, on_fail: {{onFail}}}
            - {name: findings, kind: boxes, source: coco}
        output: {layout: {{layout}}}
        """;

    private BuildResult Build(string yaml)
    {
        File.WriteAllText(Combine("dataforge.yaml"), yaml);
        var loaded = ManifestModules.Loader().Load(Combine("dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return new BuildEngine(PipelineFactory.Layout(loaded.Manifest!)).Build(PipelineFactory.Create(loaded.Manifest!, Secret), new BuildOptions { Jobs = 2 });
    }

    private static JsonElement Python(string python, string script, object request, params string[] arguments)
    {
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", script), .. arguments], standardInput: JsonSerializer.Serialize(request));
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        return JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
    }

    [SkippableFact]
    public void Nnunet_labels_are_the_coco_objects_drawn_on_each_images_plane()
    {
        var python = Oracle.RequirePython("numpy", "PIL", "nibabel", "pydicom");
        WriteCoco();
        var result = Build(Manifest("nnunet"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        // One case per CR image, each with its label volume; the acquired-grid masks are not published beside them.
        var labels = Directory.GetFiles(Combine("out", "labelsTr"), "*.nii.gz").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, labels.Count);
        Assert.False(Directory.Exists(Combine("out", "labels", "outlines")), "acquired-grid masks are published next to labelsTr");
        using var dataset = JsonDocument.Parse(File.ReadAllText(Combine("out", "dataset.json")));
        Assert.Equal(2, dataset.RootElement.GetProperty("numTraining").GetInt32());

        // Which label volume is which image: the label file names the series' mask by the new UIDs.
        using var file = JsonDocument.Parse(File.ReadAllText(Combine("out", "labels", "outlines.json")));
        var items = file.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var schema = JsonSchema.FromFileAsync(Path.Combine(TestData.RepositoryRoot, "schemas", "labels.schema.json")).GetAwaiter().GetResult();
        Assert.Empty(schema.Validate(File.ReadAllText(Combine("out", "labels", "outlines.json"))));
        var cases = Directory.GetFiles(Combine("out", "imagesTr"), "*.nii.gz").Order(StringComparer.Ordinal).ToList();
        var request = new List<object>();
        foreach (var (dicom, h, w, objects) in new[]
                 {
                     ("ct.dcm", 128, 128, new object[] { new { @class = 2, polygons = new[] { Triangle } }, new { @class = 1, polygons = new[] { Square } } }),
                     ("mr.dcm", 64, 64, new object[] { new { @class = 1, rle = DiscRle } }),
                 })
        {
            // The case whose image has this size.
            var label = labels.Single(l => NiftiShape(l) == (w, h));
            request.Add(new { nifti = label, dicom = Combine("raw", dicom), height = h, width = w, objects });
        }
        var checks = Python(python, "check_coco_masks.py", new { cases = request }).EnumerateArray().ToList();
        // The disc (an RLE) is exact; the polygons differ from PIL's fill only on pixels their outline passes through.
        Assert.Equal(0, checks[1].GetProperty("differ").GetInt32());
        Assert.Equal(253, checks[1].GetProperty("painted").GetInt32());
        Assert.Equal(0, checks[0].GetProperty("differ_off_outline").GetInt32());
        Assert.Equal([0, 1, 2], checks[0].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(checks[0].GetProperty("volume_nonzero").GetInt32(), checks[0].GetProperty("painted").GetInt32());
        Assert.Equal(cases.Count, labels.Count);
    }

    private static (int, int) NiftiShape(string path)
    {
        using var stream = File.OpenRead(path);
        var volume = DataForge.Imaging.Nifti.NiftiReader.Read(stream, Path.GetFileName(path));
        return (volume.Shape[0] * volume.Shape[1] == 128 * 128 ? 128 : 64, volume.Shape[0] * volume.Shape[1] == 128 * 128 ? 128 : 64);
    }

    [SkippableFact]
    public async Task The_coco_layout_carries_boxes_and_mask_objects_as_segmentations_that_load_with_the_coco_schema()
    {
        var python = Oracle.RequirePython("numpy", "PIL");
        WriteCoco();
        var result = Build(Manifest("coco"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var text = File.ReadAllText(Combine("out", "coco", "annotations", "all.json"));
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Oracles", "coco.schema.json"));
        Assert.Empty(schema.Validate(text));
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_coco.py"), Combine("out"), "0,1,2"]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);

        using var doc = JsonDocument.Parse(text);
        var annotations = doc.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        // Three objects as boxes, three again as mask objects.
        Assert.Equal(6, annotations.Count);
        var rles = annotations.Where(a => a.GetProperty("segmentation").ValueKind == JsonValueKind.Object).ToList();
        Assert.Equal(2, rles.Count);
        var decoded = Python(python, "coco_rle.py", new { height = 64, width = 64, counts = rles.Select(r => r.GetProperty("segmentation").GetProperty("counts").GetString()) }, "decode");
        foreach (var mask in decoded.GetProperty("masks").EnumerateArray())
        {
            var pixels = mask.EnumerateArray().Select(v => v.GetInt32()).ToArray();
            for (var y = 0; y < 64; y++)
                for (var x = 0; x < 64; x++)
                    Assert.Equal((x - 20) * (x - 20) + (y - 24) * (y - 24) <= 81 ? 1 : 0, pixels[y * 64 + x]);
        }
        // A polygon object's area is the polygon's, as COCO's own files give it: 400 for the 20 x 20 square.
        Assert.Equal(2, annotations.Count(a => a.GetProperty("area").GetDouble() == 400));
        Assert.DoesNotContain(Original("ct.dcm"), text);
    }
}
