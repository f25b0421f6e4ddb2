using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// A study whose description quotes its Study ID, and whose comments quote the study date, builds with
/// clean-descriptors: the cleaner removes what the leak gate would find, so no instance is held back.
/// </summary>
public sealed class DeidentifyDescriptorCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-cli-descriptors");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Descriptions_quoting_the_study_id_and_date_are_cleaned_and_every_instance_is_published()
    {
        Assert.Equal(0, CliRunner.Run(_dir.Path, "init").ExitCode);
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16 });
        var inputs = Directory.GetFiles(_dir.Combine("raw"), "*.dcm", SearchOption.AllDirectories);
        Assert.NotEmpty(inputs);
        foreach (var path in inputs)
        {
            var file = DicomReader.ReadFile(path);
            var ds = file.Dataset;
            ds.Add(DicomTags.StudyDescription, "CT chest " + ds.GetString(DicomTags.StudyID));
            ds.Add(DicomTags.ImageComments, "prior of " + ds.GetString(DicomTags.StudyDate) + " compared");
            File.WriteAllBytes(path, file.ToBytes());
        }
        var manifest = _dir.Combine("dataforge.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("  path: out\n", "  path: out\n  layout: dicom\n")
            + "\ndeidentify:\n  profile: basic\n  options: [clean-descriptors]\n");

        var build = CliRunner.Run(_dir.Path, "build");
        Assert.True(build.ExitCode == 0, build.Error + build.Out);
        Assert.Contains($"deidentify: {inputs.Length} items: {inputs.Length} ran, 0 cached, 0 failed", build.Out);
        var outputs = Directory.GetFiles(_dir.Combine("out", "dicom"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(inputs.Length, outputs.Length);
        foreach (var output in outputs)
        {
            var ds = DicomReader.ReadFile(output).Dataset;
            Assert.Equal("CT chest XXXX", ds.GetString(DicomTags.StudyDescription));
            Assert.Equal("prior of XXXX compared", ds.GetString(DicomTags.ImageComments));
        }
    }
}
