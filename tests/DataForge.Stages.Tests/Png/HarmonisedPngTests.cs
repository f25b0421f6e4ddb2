using System.Text.Json;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Png;

public sealed class HarmonisedPngTests : IDisposable
{
    private readonly PngProject _p = new(ct: false);

    public void Dispose() => _p.Dispose();

    private static string Manifest(string steps, string png) => $$"""
        version: 1
        name: twod
        sources:
          - {id: raw, kind: dicom, path: raw}
        deidentify: {profile: basic}
        harmonise: {{steps}}
        output:
          layout: png
          png: {{png}}
        """;

    private static JsonElement Oracle(string python, string source, string stepsJson, int bits, IEnumerable<string> arguments)
    {
        var run = Testing.Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_harmonised_png.py"), source, stepsJson, bits.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
    }

    private string PngOf(string sop) => Assert.Single(Directory.GetFiles(_p.Combine("out", "png"), sop + ".png", SearchOption.AllDirectories));

    [SkippableFact]
    public void Two_d_images_are_resampled_and_normalised_before_rendering_and_the_png_window_maps_z_scores_as_scipy_and_numpy_compute_them()
    {
        var python = Testing.Oracle.RequirePython("pydicom", "numpy", "scipy", "PIL");
        const string steps = """[{"resample": {"spacing": [0.5, 0.5, 1]}}, {"normalise": {"method": "zscore"}}]""";
        var result = _p.Build(Manifest(steps, "{bit_depth: 8, window: {min: -2, max: 2}}"));
        // Colour ultrasound cannot be harmonised: each fails with the reason, the greyscale images are written.
        Assert.Equal(3, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.Contains("harmonise steps apply to greyscale images", f.ToString(), StringComparison.Ordinal));

        var grey = _p.Inputs().Where(i => i.Modality is "CR" or "DX").ToList();
        Assert.Equal(2, grey.Count);
        foreach (var (path, sop, modality) in grey)
        {
            var png = PngOf(sop);
            var oracle = Oracle(python, "dicom:" + path, steps, 8, ["window", "-2", "2", png]);
            var row = Assert.Single(oracle.GetProperty("pngs").EnumerateArray());
            Assert.True(row.GetProperty("max_diff").ValueKind == JsonValueKind.Number, $"{modality}: PNG size {row.GetProperty("size")} is not the oracle's {oracle.GetProperty("shape")}");
            Assert.InRange(row.GetProperty("max_diff").GetDouble(), 0, 1);

            using var sidecar = JsonDocument.Parse(File.ReadAllText(png[..^4] + ".json"));
            var s = sidecar.RootElement;
            var shape = oracle.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(shape[0], s.GetProperty("columns").GetInt32());
            Assert.Equal(shape[1], s.GetProperty("rows").GetInt32());
            Assert.Equal([0.5, 0.5], s.GetProperty("pixel_spacing").EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal("manifest", s.GetProperty("window").GetProperty("source").GetString());
            Assert.Equal(modality == "CR", s.GetProperty("inverted").GetBoolean());
            Assert.Equal(["resample", "normalise"], s.GetProperty("harmonise").EnumerateArray().Select(h => h.GetProperty("step").GetString()));
            Assert.Equal(modality, s.GetProperty("acquisition").GetProperty("Modality").GetString());
        }
        // CT_small's ImagerPixelSpacing (rows 0.25, columns 0.5 mm) resampled to 0.5 mm halves the rows only.
        var cr = grey.Single(g => g.Modality == "CR");
        using var crSidecar = JsonDocument.Parse(File.ReadAllText(PngOf(cr.Sop)[..^4] + ".json"));
        Assert.Equal(64, crSidecar.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(128, crSidecar.RootElement.GetProperty("columns").GetInt32());
    }

    [Fact]
    public void Without_an_intensity_step_a_2d_image_keeps_its_own_window()
    {
        var result = _p.Build(Manifest("[{crop_or_pad: {shape: [48, 40, 7]}}]", "{bit_depth: 16}"));
        Assert.Equal(3, result.Failures.Count); // the colour ultrasound images
        var dx = _p.Inputs().Single(i => i.Modality == "DX");
        using var sidecar = JsonDocument.Parse(File.ReadAllText(PngOf(dx.Sop)[..^4] + ".json"));
        var s = sidecar.RootElement;
        Assert.Equal("instance", s.GetProperty("window").GetProperty("source").GetString());
        Assert.Equal("SIGMOID", s.GetProperty("window").GetProperty("function").GetString());
        // A 2D image is cropped in-plane and keeps its one slice, whatever the third size says.
        Assert.Equal(48, s.GetProperty("columns").GetInt32());
        Assert.Equal(40, s.GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("frame").ValueKind);
    }
}

public sealed class HarmonisedSlicesTests : IDisposable
{
    private readonly LabelProject _p = new(patients: 1, slices: 6, matrix: 12);

    public void Dispose() => _p.Dispose();

    [SkippableFact]
    public void Slices_of_a_volume_are_rendered_after_the_steps_as_nibabel_and_scipy_compute_them_from_dcm2niix()
    {
        var python = Oracle.RequirePython("nibabel", "numpy", "scipy", "PIL");
        var dcm2niix = Oracle.Require("dcm2niix");
        const string steps = """[{"reorient": "LPS"}, {"resample": {"spacing": [45, 45, 60]}}, {"clip": {"percentiles": [1, 99]}}]""";
        var result = _p.Build($$"""
            version: 1
            name: slices
            sources:
              - {id: ct, kind: dicom, path: raw}
            deidentify: {profile: basic}
            harmonise: {{steps}}
            output:
              layout: png
              png: {slices: true, bit_depth: 8}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var series = Assert.Single(_p.Series);
        var folder = _p.Combine("dcm2niix");
        Directory.CreateDirectory(folder);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "v", "-o", folder, series.Folder]);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);

        var uid = new KeyedIdentity(LabelProject.Secret).Uid(series.SeriesUid);
        var sliceFolder = Assert.Single(Directory.GetDirectories(_p.Combine("out", "png"), uid, SearchOption.AllDirectories));
        var pngs = Directory.GetFiles(sliceFolder, "*.png").Order(StringComparer.Ordinal).ToList();
        var check = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_harmonised_png.py"), "nifti:" + Path.Combine(folder, "v.nii"), steps, "8", .. pngs]);
        Assert.True(check.ExitCode == 0, check.StandardError);
        using var oracle = JsonDocument.Parse(check.StandardOutput);
        var shape = oracle.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(shape[2], pngs.Count);
        Assert.Equal(Enumerable.Range(1, pngs.Count).Select(k => $"{k:0000}.png"), pngs.Select(Path.GetFileName));
        Assert.All(oracle.RootElement.GetProperty("pngs").EnumerateArray(), r =>
        {
            Assert.True(r.GetProperty("max_diff").ValueKind == JsonValueKind.Number, $"PNG size {r.GetProperty("size")} is not the oracle's slice");
            Assert.InRange(r.GetProperty("max_diff").GetDouble(), 0, 1);
        });
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(pngs[1], ".json")));
        Assert.Equal(2, sidecar.RootElement.GetProperty("slice").GetInt32());
        Assert.Equal(JsonValueKind.Null, sidecar.RootElement.GetProperty("sop_instance_uid").ValueKind);
        Assert.Equal([45.0, 45.0], sidecar.RootElement.GetProperty("pixel_spacing").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("CT", sidecar.RootElement.GetProperty("acquisition").GetProperty("Modality").GetString());
    }
}
