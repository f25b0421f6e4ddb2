using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using DataForge.Stages.Deidentify;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Deidentify;

/// <summary>clean-recognizable-visual-features as a policy: head volumes and flagged instances are excluded and reported, the rest marked NO.</summary>
public sealed class VisualFeaturesTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-visual");

    public void Dispose() => _dir.Dispose();

    private static VisualFacts Facts(string item, string modality, string anatomy, string flag = "", int frames = 1) =>
        new(item, "s", flag, modality, anatomy.Length == 0 ? [] : [anatomy], frames);

    private static VisualFeaturesPolicy Policy(string json = "{}") =>
        VisualFeaturesPolicy.From(JsonDocument.Parse($$"""{"profile":"basic","visual_features":{{json}}}""").RootElement);

    [Fact]
    public void A_head_series_is_excluded_only_from_the_minimum_number_of_slices_and_only_for_volumetric_modalities()
    {
        var policy = Policy("""{"min_slices":3}""");
        Assert.Equal(3, policy.Excluded([Facts("a", "CT", "HEAD"), Facts("b", "CT", "HEAD"), Facts("c", "CT", "HEAD")]).Count);
        Assert.Empty(policy.Excluded([Facts("a", "CT", "HEAD"), Facts("b", "CT", "HEAD"), Facts("b", "CT", "HEAD")]));   // a copy counts once
        Assert.Empty(policy.Excluded([Facts("a", "CT", "CHEST"), Facts("b", "CT", "CHEST"), Facts("c", "CT", "CHEST")]));
        Assert.Empty(policy.Excluded([Facts("a", "US", "HEAD"), Facts("b", "US", "HEAD"), Facts("c", "US", "HEAD")]));
        Assert.Equal(VisualFeaturesPolicy.HeadVolume, Assert.Single(policy.Excluded([Facts("m", "MR", "BRAIN", frames: 40)])).Value);
        Assert.Equal(VisualFeaturesPolicy.FlaggedYes, Assert.Single(policy.Excluded([Facts("x", "CT", "CHEST", "YES")])).Value);
    }

    [Fact]
    public void The_defaults_cover_the_head_and_face_and_the_manifest_can_widen_them()
    {
        var series = Enumerable.Range(0, 20).Select(i => Facts($"i{i}", "MR", "NECK")).ToList();
        Assert.Empty(Policy().Excluded(series));
        Assert.Equal(20, Policy("""{"body_parts":["neck"]}""").Excluded(series).Count);
        Assert.Equal(20, Policy().Excluded(Enumerable.Range(0, 20).Select(i => Facts($"i{i}", "CT", "FACE"))).Count);
        Assert.Empty(Policy().Excluded(Enumerable.Range(0, 19).Select(i => Facts($"i{i}", "CT", "HEAD"))));
    }

    [SkippableFact]
    public void A_build_excludes_the_head_volume_and_the_flagged_slice_reports_them_by_hash_and_marks_the_rest_NO()
    {
        var dcmdump = Oracle.Require("dcmdump");
        var sha256sum = Oracle.Require("sha256sum");
        var raw = _dir.Combine("raw");
        SynthWriter.Write(raw, new SynthOptions { Patients = 1, Slices = 3, Matrix = 16 });   // CT of the chest, MR of the head
        var files = Directory.GetFiles(raw, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var ct = files.Where(f => DicomReader.ReadFile(f).Dataset.GetString(DicomTags.Modality) == "CT").ToList();
        var mr = files.Except(ct).ToList();
        Assert.Equal(3, ct.Count);
        var flagged = DicomReader.ReadFile(ct[0]);
        flagged.Dataset.Add(DicomTags.RecognizableVisualFeatures, "YES");
        File.WriteAllBytes(ct[0], flagged.ToBytes());

        var config = JsonDocument.Parse("""
            {"profile":"basic","options":["clean-recognizable-visual-features"],"visual_features":{"min_slices":3}}
            """).RootElement;
        var stages = new List<IStage>();
        var inputs = VisualFeaturesPipeline.Add(stages, DeidPolicy.From(config), ["raw"]);
        stages.Add(new DeidentifyStage(inputs, DeidPolicy.From(config), "visual-secret-0123456789abcdefghijkl"u8.ToArray()));
        stages.Add(new DeidentificationReportStage(DeidPolicy.From(config)));
        var engine = new BuildEngine(new StoreLayout(_dir.Path, _dir.Combine("out")));
        var result = engine.Build(new Pipeline([new EngineSource("raw", raw)], stages), new BuildOptions { Jobs = 2 });

        Assert.Empty(result.Failures);
        var outputs = Directory.GetFiles(_dir.Combine("out"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(2, outputs.Length);
        foreach (var output in outputs)
        {
            var dump = Oracle.Run(dcmdump, [output]).StandardOutput;
            Assert.Contains("(0028,0302) CS [NO]", dump);
            Assert.Contains("[113102]", dump);
            Assert.Contains("(0008,0060) CS [CT]", dump);
        }
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.Combine("out", DeidentificationReportStage.FileName)));
        var visual = report.RootElement.GetProperty("visual_features");
        Assert.Equal(4, visual.GetProperty("excluded").GetInt32());
        Assert.Equal(1, visual.GetProperty("reasons").GetProperty(VisualFeaturesPolicy.FlaggedYes).GetInt32());
        Assert.Equal(3, visual.GetProperty("reasons").GetProperty(VisualFeaturesPolicy.HeadVolume).GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("instances").GetInt32());
        string Hash(string path) => Oracle.Run(sha256sum, [path]).StandardOutput.Split(' ')[0];
        var expected = mr.Select(Hash).Append(Hash(ct[0])).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, visual.GetProperty("excluded_items").EnumerateObject().Select(p => p.Name).ToList());
        Assert.Equal(VisualFeaturesPolicy.FlaggedYes, visual.GetProperty("excluded_items").GetProperty(Hash(ct[0])).GetString());
        // The report holds hashes and reasons, never a value from the headers.
        var text = File.ReadAllText(_dir.Combine("out", DeidentificationReportStage.FileName));
        Assert.DoesNotContain(DicomReader.ReadFile(mr[0]).Dataset.GetString(DicomTags.PatientID)!, text);
    }

    [SkippableFact]
    public void A_structured_report_gets_the_option_code_but_no_image_attribute()
    {
        var dcmdump = Oracle.Require("dcmdump");
        var result = StructuredContentTests.Deid("clean-recognizable-visual-features").Apply(StructuredContentTests.TestSr());
        var path = _dir.Combine("sr.dcm");
        result.File.Save(path);
        var dump = Oracle.Run(dcmdump, [path]).StandardOutput;
        Assert.Contains("[113102]", dump);
        Assert.DoesNotContain("(0028,0302)", dump);
    }
}
