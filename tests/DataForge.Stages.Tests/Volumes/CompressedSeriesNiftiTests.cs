using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Volumes;

/// <summary>
/// A synthetic CT series compressed by dcmtk or GDCM builds, through the pipeline's nifti layout, to the same
/// NIfTI volume bytes as the uncompressed series.
/// </summary>
public sealed class CompressedSeriesNiftiTests
{
    private const string Manifest = """
        version: 1
        name: compressed-series
        sources:
          - {id: ct, kind: dicom, path: raw}
        deidentify: {profile: basic}
        output: {layout: nifti}
        """;

    [SkippableTheory]
    [InlineData("dcmcjpeg", "+e1", "1.2.840.10008.1.2.4.70")]
    [InlineData("dcmcjpls", "", "1.2.840.10008.1.2.4.80")]
    [InlineData("gdcmconv", "--j2k", "1.2.840.10008.1.2.4.90")]
    [InlineData("dcmcrle", "", "1.2.840.10008.1.2.5")]
    public void The_nifti_of_a_compressed_series_equals_the_nifti_of_the_uncompressed_one_bit_for_bit(string tool, string options, string syntax)
    {
        var path = Oracle.Require(tool);
        using var project = new LabelProject(patients: 1, slices: 5, matrix: 24);
        var before = BuildVolumes(project);
        Assert.NotEmpty(before);

        foreach (var file in Directory.GetFiles(Assert.Single(project.Series).Folder, "*.dcm"))
        {
            var compressed = file + ".compressed";
            var run = Oracle.Run(path, [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), file, compressed]);
            Assert.True(run.ExitCode == 0, $"{tool} failed: {run.StandardError}");
            File.Move(compressed, file, overwrite: true);
            Assert.Equal(syntax, DicomReader.ReadFile(file).TransferSyntax.Uid);
        }
        var after = BuildVolumes(project);

        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} differs after compression with {tool}");
    }

    private static Dictionary<string, byte[]> BuildVolumes(LabelProject project)
    {
        var result = project.Build(Manifest);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var folder = project.Combine("out", "nifti");
        return Directory.GetFiles(folder, "*.nii.gz", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes, StringComparer.Ordinal);
    }
}
