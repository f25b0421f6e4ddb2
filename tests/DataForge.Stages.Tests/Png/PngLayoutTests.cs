using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Png;

public sealed class PngLayoutTests : IDisposable
{
    private readonly PngProject _p = new();

    public void Dispose() => _p.Dispose();

    private static string Manifest(string png) => $$"""
        version: 1
        name: twod
        sources:
          - {id: raw, kind: dicom, path: raw}
        deidentify: {profile: basic}
        output:
          layout: png
          png: {{png}}
        """;

    /// <summary>Runs check_png.py over every input; returns its rows.</summary>
    private List<JsonElement> Check(string python, int bits, params string[] window)
    {
        var mapping = _p.Combine("mapping.json");
        File.WriteAllText(mapping, JsonSerializer.Serialize(_p.Inputs().Select(i => new { dicom = i.Path, sop = i.Sop })));
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_png.py"), _p.Combine("out"), mapping, bits.ToString(), .. window]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    [SkippableTheory]
    [InlineData(8)]
    [InlineData(16)]
    public void Every_image_and_slice_matches_pydicoms_modality_and_voi_luts_read_back_with_PIL(int bits)
    {
        var python = Oracle.RequirePython("pydicom", "numpy", "PIL");
        var result = _p.Build(Manifest($"{{bit_depth: {bits}, slices: true}}"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));

        var rows = Check(python, bits);
        // 3 CT slices, CR, DX, two US images and a two-frame US cine.
        Assert.Equal(9, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.GetProperty("found").GetInt32()));
        Assert.All(rows, r => Assert.True(r.GetProperty("shape_ok").GetBoolean(), r.GetProperty("path").GetString()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("max_diff").GetDouble(), 0, 1));
        foreach (var r in rows)
        {
            var sidecar = r.GetProperty("sidecar");
            var colour = sidecar.GetProperty("png_colour").GetString() == "RGB";
            Assert.Equal(colour ? "RGB" : bits == 8 ? "L" : "I;16", r.GetProperty("mode").GetString() is "I" ? "I;16" : r.GetProperty("mode").GetString());
            Assert.Equal(colour ? 8 : bits, sidecar.GetProperty("bit_depth").GetInt32());
            Assert.StartsWith($"png/{sidecar.GetProperty("pseudonym").GetString()}/{sidecar.GetProperty("study_instance_uid").GetString()}/{sidecar.GetProperty("series_instance_uid").GetString()}/{r.GetProperty("sop").GetString()}",
                r.GetProperty("path").GetString());
            if (r.GetProperty("pixel_spacing").ValueKind == JsonValueKind.Array)
                Assert.Equal(r.GetProperty("pixel_spacing").EnumerateArray().Select(v => v.GetDouble()), sidecar.GetProperty("pixel_spacing").EnumerateArray().Select(v => v.GetDouble()));
        }
        var byModality = rows.ToLookup(r => r.GetProperty("sidecar").GetProperty("modality").GetString());
        var cr = Assert.Single(byModality["CR"]).GetProperty("sidecar");
        Assert.Equal("minmax", cr.GetProperty("window").GetProperty("source").GetString());
        Assert.True(cr.GetProperty("inverted").GetBoolean());
        Assert.Equal("ImagerPixelSpacing", cr.GetProperty("pixel_spacing_attribute").GetString());
        Assert.Equal("SIGMOID", Assert.Single(byModality["DX"]).GetProperty("sidecar").GetProperty("window").GetProperty("function").GetString());
        Assert.All(byModality["CT"], r => Assert.Equal("instance", r.GetProperty("sidecar").GetProperty("window").GetProperty("source").GetString()));
        Assert.Equal([1, 2], byModality["US"].Select(r => r.GetProperty("sidecar").GetProperty("frame")).Where(f => f.ValueKind == JsonValueKind.Number).Select(f => f.GetInt32()).Order());
    }

    [SkippableFact]
    public void A_manifest_window_replaces_the_instances_own()
    {
        var python = Oracle.RequirePython("pydicom", "numpy", "PIL");
        var result = _p.Build(Manifest("{slices: true, window: {center: 100, width: 3000}}"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var grey = Check(python, 8, "100", "3000", "LINEAR").Where(r => r.GetProperty("sidecar").GetProperty("png_colour").GetString() == "greyscale").ToList();
        Assert.Equal(5, grey.Count);
        Assert.All(grey, r => Assert.InRange(r.GetProperty("max_diff").GetDouble(), 0, 1));
        Assert.All(grey, r => Assert.Equal("manifest", r.GetProperty("sidecar").GetProperty("window").GetProperty("source").GetString()));
    }

    [Fact]
    public void Without_slices_only_the_2d_modalities_are_written_and_nothing_names_an_original_identifier()
    {
        var result = _p.Build(Manifest("{bit_depth: 8}"));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var files = Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories);
        var pngs = files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        var inputs = _p.Inputs();
        Assert.Equal(inputs.Where(i => i.Modality != "CT").Sum(i => i.Path.EndsWith("us-cine.dcm", StringComparison.Ordinal) ? 2 : 1), pngs.Count);
        Assert.Equal(pngs.Count, files.Count(f => f.EndsWith(".json", StringComparison.Ordinal) && f.Contains("/png/", StringComparison.Ordinal)));
        var originals = inputs.Select(i => DicomReader.ReadFile(i.Path).Dataset)
            .SelectMany(ds => new[] { ds.GetString(DicomTags.SOPInstanceUID), ds.GetString(DicomTags.SeriesInstanceUID), ds.GetString(DicomTags.StudyInstanceUID), ds.GetString(DicomTags.PatientID) })
            .Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).Distinct().ToList();
        foreach (var f in files)
        {
            var text = f.EndsWith(".json", StringComparison.Ordinal) ? File.ReadAllText(f) : "";
            Assert.DoesNotContain(originals, o => f.Contains(o, StringComparison.Ordinal) || text.Contains(o, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_report_says_which_instances_were_not_rendered_and_why()
    {
        Assert.Empty(_p.Build(Manifest("{bit_depth: 8}")).Failures);
        var inputs = _p.Inputs();
        var report = JsonDocument.Parse(File.ReadAllBytes(_p.Combine("out", "png.report.json"))).RootElement;
        var modalities = report.GetProperty("modalities").EnumerateArray().ToDictionary(m => m.GetProperty("modality").GetString()!);
        // The three CT slices are left out on purpose, and said so; every 2D instance became images.
        var ct = modalities["CT"];
        Assert.Equal(inputs.Count(i => i.Modality == "CT"), ct.GetProperty("instances").GetInt32());
        Assert.Equal(0, ct.GetProperty("rendered").GetInt32());
        Assert.Equal(ct.GetProperty("instances").GetInt32(), ct.GetProperty("not_rendered").GetProperty("cross-sectional-without-slices").GetInt32());
        Assert.Equal(inputs.Count, report.GetProperty("instances").GetInt32());
        Assert.Equal(inputs.Count(i => i.Modality != "CT"), report.GetProperty("rendered").GetInt32());
        Assert.Equal(Directory.GetFiles(_p.Combine("out", "png"), "*.png", SearchOption.AllDirectories).Length, report.GetProperty("images").GetInt32());
        Assert.All(modalities.Where(m => m.Key != "CT"), m => Assert.Empty(m.Value.GetProperty("not_rendered").EnumerateObject()));

        // With slices every instance is rendered and nothing is left to explain.
        Assert.Empty(_p.Build(Manifest("{slices: true}")).Failures);
        report = JsonDocument.Parse(File.ReadAllBytes(_p.Combine("out", "png.report.json"))).RootElement;
        Assert.Equal(inputs.Count, report.GetProperty("rendered").GetInt32());
        Assert.All(report.GetProperty("modalities").EnumerateArray(), m => Assert.Empty(m.GetProperty("not_rendered").EnumerateObject()));
    }

    [Fact]
    public void A_rebuild_in_a_fresh_store_gives_the_same_bytes()
    {
        Assert.Empty(_p.Build(Manifest("{slices: true}")).Failures);
        var first = Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(_p.Root, f), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))).ToList();
        Directory.Delete(_p.Combine("out"), true);
        Directory.Delete(_p.Combine(".dataforge"), true);
        Assert.Empty(_p.Build(Manifest("{slices: true}")).Failures);
        var second = Directory.GetFiles(_p.Combine("out"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(_p.Root, f), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))).ToList();
        Assert.Equal(first, second);
    }
}
