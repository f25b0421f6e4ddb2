using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Volumes;

/// <summary>
/// A synthetic CT series compressed by dcmtk or GDCM builds, through the pipeline's nifti and png layouts, to the
/// same NIfTI volume and PNG bytes as the uncompressed series.
/// </summary>
public sealed class CompressedSeriesImageTests
{
    private static string Manifest(string layout) => $$"""
        version: 1
        name: compressed-series
        sources:
          - {id: ct, kind: dicom, path: raw}
        deidentify: {profile: basic}
        output: {layout: {{layout}}{{(layout == "png" ? ", png: {slices: true, bit_depth: 16}" : "")}}}
        """;

    [SkippableTheory]
    [InlineData("dcmcjpeg", "+e1", "1.2.840.10008.1.2.4.70", "nifti")]
    [InlineData("dcmcjpls", "", "1.2.840.10008.1.2.4.80", "nifti")]
    [InlineData("gdcmconv", "--j2k", "1.2.840.10008.1.2.4.90", "nifti")]
    [InlineData("dcmcrle", "", "1.2.840.10008.1.2.5", "nifti")]
    [InlineData("dcmcjpeg", "+e1", "1.2.840.10008.1.2.4.70", "png")]
    [InlineData("dcmcjpls", "", "1.2.840.10008.1.2.4.80", "png")]
    [InlineData("gdcmconv", "--j2k", "1.2.840.10008.1.2.4.90", "png")]
    [InlineData("dcmcrle", "", "1.2.840.10008.1.2.5", "png")]
    [InlineData("dcmcjpeg", "+el +sv 6", "1.2.840.10008.1.2.4.57", "nifti")]
    [InlineData("dcmcjpeg", "+el +sv 7", "1.2.840.10008.1.2.4.57", "png")]
    public void The_images_of_a_compressed_series_equal_those_of_the_uncompressed_one_bit_for_bit(string tool, string options, string syntax, string layout)
    {
        var path = Oracle.Require(tool);
        using var project = new LabelProject(patients: 1, slices: 5, matrix: 24);
        var before = BuildImages(project, layout);
        Assert.NotEmpty(before);

        foreach (var file in Directory.GetFiles(Assert.Single(project.Series).Folder, "*.dcm"))
        {
            var compressed = file + ".compressed";
            var run = Oracle.Run(path, [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), file, compressed]);
            Assert.True(run.ExitCode == 0, $"{tool} failed: {run.StandardError}");
            File.Move(compressed, file, overwrite: true);
            Assert.Equal(syntax, DicomReader.ReadFile(file).TransferSyntax.Uid);
        }
        var after = BuildImages(project, layout);

        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} differs after compression with {tool}");
    }

    [SkippableTheory]
    [InlineData("dcmcjpls", "")]
    [InlineData("gdcmconv", "--j2k")]
    [InlineData("dcmcjpeg", "+e1")]
    [InlineData("dcmcjpeg", "+el +sv 5")]
    public void A_truncated_codestream_fails_its_series_with_the_reason_and_the_build_goes_on(string tool, string options)
    {
        var path = Oracle.Require(tool);
        using var project = new LabelProject(patients: 2, slices: 4, matrix: 24);
        foreach (var series in project.Series)
        foreach (var file in Directory.GetFiles(series.Folder, "*.dcm"))
        {
            Assert.Equal(0, Oracle.Run(path, [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), file, file + ".c"]).ExitCode);
            File.Move(file + ".c", file, overwrite: true);
        }
        var damaged = Directory.GetFiles(project.Series[0].Folder, "*.dcm").Order(StringComparer.Ordinal).First();
        var dicom = DicomReader.ReadFile(damaged);
        var fragment = ((DicomFragmentSequence)dicom.Dataset.Get(DicomTags.PixelData)!).Fragments[0];
        dicom.Dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, [], [fragment[..(fragment.Length / 2 & ~1)]]));
        dicom.Save(damaged);

        var result = project.Build(Manifest("nifti"));
        var failure = Assert.Single(result.Failures);
        Assert.Contains("pixel data cannot be decoded", failure.ToString());
        Assert.Contains("truncated", failure.ToString());
        // Which frame and where its codestream is in the (de-identified) instance, to look at with inspect --frames.
        Assert.Matches(@"frame 1 of 1 \(1 fragment\(s\), \d+ bytes at byte \d+ of the file\)", failure.ToString());
        Assert.DoesNotContain(project.Root, failure.ToString());
        Assert.Single(Directory.GetFiles(project.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories));
    }

    private static Dictionary<string, byte[]> BuildImages(LabelProject project, string layout)
    {
        var result = project.Build(Manifest(layout));
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var folder = layout == "png" ? project.Combine("out") : project.Combine("out", layout);
        return Directory.GetFiles(folder, layout == "png" ? "*.png" : "*.nii.gz", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes, StringComparer.Ordinal);
    }
}
