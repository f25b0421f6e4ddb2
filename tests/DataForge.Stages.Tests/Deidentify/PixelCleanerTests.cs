using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Deidentify;

public sealed class PixelCleanerTests : IDisposable
{
    private const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly TempDirectory _dir = new("dataforge-pixels");

    public void Dispose() => _dir.Dispose();

    private static PixelCleaner Rules(string regions) =>
        PixelCleaner.From(JsonDocument.Parse($$"""{"profile":"basic","options":["clean-pixel-data"],"burned_in_regions":{{regions}}}""").RootElement);

    [SkippableTheory]
    [InlineData("MR_small.dcm", 10, 5, 20, 7)]
    [InlineData("MR_small_bigendian.dcm", 0, 0, 64, 3)]
    [InlineData("CT_small.dcm", 100, 110, 30, 40)]
    [InlineData("SC_rgb_small_odd.dcm", 1, 0, 2, 2)]
    public void The_rectangle_is_zero_in_pydicoms_pixel_array_and_every_other_pixel_is_unchanged(string name, int x, int y, int w, int h)
    {
        var python = Oracle.RequirePython("pydicom", "numpy");
        var input = Path.Combine(TestFiles, name);
        Skip.IfNot(File.Exists(input), "pydicom's test files are not installed");
        var file = DicomReader.ReadFile(input);
        var rules = Rules($"[{{\"region\":[{x},{y},{w},{h}]}}]").Matching(file.Dataset);
        Assert.Null(PixelCleaner.Blank(file, rules));
        var output = _dir.Combine(name);
        File.WriteAllBytes(output, file.ToBytes());
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "check_blanked.py"), input, output, $"{x}", $"{y}", $"{w}", $"{h}"]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
    }

    [Fact]
    public void Rules_match_on_modality_manufacturer_model_and_size()
    {
        var ds = new DicomDataset().Add(DicomTags.Modality, "US").Add(DicomTags.Manufacturer, "ACME ").Add(DicomTags.ManufacturerModelName, "Sono 1")
            .Add(DicomTags.Rows, (ushort)480).Add(DicomTags.Columns, (ushort)640);
        Assert.Single(Rules("""[{"modality":"US","manufacturer":"acme","model":"Sono 1","rows":480,"columns":640,"region":[0,0,640,40]}]""").Matching(ds));
        Assert.Empty(Rules("""[{"modality":"US","rows":600,"region":[0,0,640,40]}]""").Matching(ds));
        Assert.Empty(Rules("""[{"model":"Sono 2","region":[0,0,640,40]}]""").Matching(ds));
    }

    [SkippableFact]
    public void A_build_cleans_covered_instances_marks_them_and_excludes_the_burned_in_ones_no_rule_covers()
    {
        var dcmdump = Oracle.Require("dcmdump");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16 });
        foreach (var path in Directory.GetFiles(_dir.Combine("raw"), "*", SearchOption.AllDirectories))
        {
            var file = DicomReader.ReadFile(path);
            file.Dataset.Add(DicomTags.BurnedInAnnotation, "YES");
            File.WriteAllBytes(path, file.ToBytes());
        }
        var config = JsonDocument.Parse("""
            {"profile":"basic","options":["clean-pixel-data"],"burned_in_regions":[{"modality":"CT","rows":16,"columns":16,"region":[0,0,16,2]}]}
            """).RootElement;
        var engine = new BuildEngine(new StoreLayout(_dir.Path, _dir.Combine("out")));
        var result = engine.Build(new Pipeline([new EngineSource("raw", _dir.Combine("raw"))],
            [new DeidentifyStage(["raw"], DeidPolicy.From(config), "pixel-secret-0123456789abcdefghij"u8.ToArray())]), new BuildOptions { Jobs = 2 });

        Assert.Equal(2, result.Failures.Count);   // the two MR slices
        Assert.All(result.Failures, f => Assert.Contains("no burned_in_regions rule covers", f.Reason));
        var outputs = Directory.GetFiles(_dir.Combine("out"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(2, outputs.Length);
        foreach (var output in outputs)
        {
            var dump = Oracle.Run(dcmdump, [output]).StandardOutput;
            Assert.Contains("(0028,0301) CS [NO]", dump);
            Assert.Contains("[113101]", dump);
            Assert.Contains("(0008,0060) CS [CT]", dump);
        }
    }
}
