using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Engine.Store;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Volumes;
using DataForge.Synth;
using DataForge.Testing;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.Tests.Volumes;

public sealed class VolumeStageTests : IDisposable
{
    private static readonly byte[] Secret = "test-secret-0123456789abcdef-xyz"u8.ToArray();
    private const string Policy = """{"profile":"basic","options":["retain-longitudinal-modified-dates"]}""";
    private readonly TempDirectory _project = new("dataforge-volume-stage");

    public void Dispose() => _project.Dispose();

    private BuildResult Build(string output = "out")
    {
        var engine = new BuildEngine(new StoreLayout(_project.Path, _project.Combine(output)));
        var pipeline = new Pipeline([new EngineSource("raw", _project.Combine("raw"))],
            [new DeidentifyStage(["raw"], DeidPolicy.From(JsonDocument.Parse(Policy).RootElement), Secret), new VolumeStage()]);
        return engine.Build(pipeline, new BuildOptions { Jobs = 2 });
    }

    [Fact]
    public void Every_series_of_a_project_is_published_as_one_volume_per_pseudonym_and_series()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 2, Slices = 5, Matrix = 12 });
        var result = Build();
        Assert.Equal([], result.Failures.Select(f => f.ToString()));

        var volumes = Directory.GetFiles(_project.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories);
        Assert.Equal(4, volumes.Length);
        // Each volume has its sidecar beside it, and nothing else is published.
        Assert.Equal(volumes.Select(v => v[..^".nii.gz".Length] + ".json").Order(),
            Directory.GetFiles(_project.Combine("out", "nifti"), "*.json", SearchOption.AllDirectories).Order());
        foreach (var file in volumes)
        {
            var relative = Path.GetRelativePath(_project.Combine("out"), file).Replace('\\', '/');
            Assert.Matches(@"^nifti/ANON-[A-Z0-9]{10}/2\.25\.[0-9]+\.nii\.gz$", relative);
            var volume = NiftiReader.Read(file);
            Assert.Equal([12, 12, 5], volume.Shape.ToArray());
        }
        // Each patient's CT and MR land under the same pseudonym.
        Assert.Equal(2, volumes.Select(f => Path.GetFileName(Path.GetDirectoryName(f))).Distinct().Count());
    }

    [Fact]
    public void A_volume_names_its_de_identified_study_and_manufacturer_for_the_release()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 4, Matrix = 8 });
        Assert.Empty(Build().Failures);
        var engine = new BuildEngine(new StoreLayout(_project.Path, _project.Combine("out")));
        var listing = engine.ListOutputs(new Pipeline([new EngineSource("raw", _project.Combine("raw"))],
            [new DeidentifyStage(["raw"], DeidPolicy.From(JsonDocument.Parse(Policy).RootElement), Secret), new VolumeStage()]));
        Assert.Empty(listing.Problems);

        // Each volume's study is its instances' de-identified Study Instance UID, as published.
        var instances = Directory.GetFiles(_project.Combine("out"), "*.dcm", SearchOption.AllDirectories)
            .Select(f => DataForge.Dicom.IO.DicomReader.ReadFile(f).Dataset)
            .GroupBy(d => d.GetString(DataForge.Dicom.DicomTags.SeriesInstanceUID)!)
            .ToDictionary(g => g.Key, g => g.Select(d => (Study: d.GetString(DataForge.Dicom.DicomTags.StudyInstanceUID)!, Maker: d.GetString(DataForge.Dicom.DicomTags.Manufacturer))).Distinct().Single());
        var volumes = listing.Outputs.Where(o => o.Path.EndsWith(".nii.gz", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, volumes.Count);
        foreach (var volume in volumes)
        {
            var metadata = JsonDocument.Parse(volume.MetadataJson).RootElement;
            var expected = instances[metadata.GetProperty("series_instance_uid").GetString()!];
            Assert.StartsWith("2.25.", expected.Study, StringComparison.Ordinal);
            Assert.Equal(expected.Study, metadata.GetProperty("study_instance_uid").GetString());
            Assert.Equal(expected.Maker, metadata.GetProperty("manufacturer").GetString());
        }
    }

    [Fact]
    public void A_series_with_a_missing_slice_fails_with_the_reason_and_the_others_are_published()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 6, Matrix = 12 });
        var ct = Directory.GetDirectories(_project.Combine("raw"), "*", SearchOption.AllDirectories)
            .Single(d => Path.GetFileName(Path.GetDirectoryName(d)!).EndsWith("_CT", StringComparison.Ordinal));
        File.Delete(Path.Combine(ct, "IM0003.dcm"));

        var result = Build();
        var failure = Assert.Single(result.Failures);
        Assert.Contains("uneven slice spacing", failure.ToString());
        Assert.Single(Directory.GetFiles(_project.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_rebuild_in_another_output_folder_gives_the_same_bytes()
    {
        SynthWriter.Write(_project.Combine("raw"), new SynthOptions { Patients = 1, Slices = 4, Matrix = 12 });
        Assert.True(Build("out1").Succeeded);
        // Moving output.path cleans the old folder: its files are kept aside for the comparison, then put back.
        Directory.Move(_project.Combine("out1"), _project.Combine("out1.kept"));
        Assert.True(Build("out2").Succeeded);
        Directory.Move(_project.Combine("out1.kept"), _project.Combine("out1"));
        var files = Directory.GetFiles(_project.Combine("out1", "nifti"), "*.nii.gz", SearchOption.AllDirectories);
        Assert.Equal(2, files.Length);
        foreach (var file in files)
        {
            var other = Path.Combine(_project.Combine("out2"), Path.GetRelativePath(_project.Combine("out1"), file));
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(other)));
        }
    }

    [Fact]
    public void The_config_names_the_output_format_and_the_stage_groups_on_the_series_uid()
    {
        var definition = new VolumeStage().Definition;
        Assert.Equal(["deidentify"], definition.Inputs);
        Assert.Equal("series_instance_uid", definition.GroupBy);
        Assert.True(definition.Publish);
        Assert.Contains("\"format\":\"nifti1-gz\"", definition.Config.Text);
    }
}
