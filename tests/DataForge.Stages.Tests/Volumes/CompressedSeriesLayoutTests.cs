using System.Text.Json;
using DataForge.Dicom.IO;
using DataForge.Stages.Tests.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Volumes;

/// <summary>
/// Synthetic CT series compressed by dcmtk and GDCM (JPEG Lossless SV1, JPEG-LS, JPEG 2000, RLE) build through the
/// nnunet layout to the same bytes as the uncompressed series, and their NIfTI volumes equal dcm2niix's conversion of
/// the compressed series (read by nibabel).
/// </summary>
public sealed class CompressedSeriesLayoutTests
{
    public static TheoryData<string, string, string> Compressors() => new()
    {
        { "dcmcjpeg", "+e1", "1.2.840.10008.1.2.4.70" },
        { "dcmcjpls", "", "1.2.840.10008.1.2.4.80" },
        { "gdcmconv", "--j2k", "1.2.840.10008.1.2.4.90" },
        { "dcmcrle", "", "1.2.840.10008.1.2.5" },
    };

    [SkippableTheory]
    [MemberData(nameof(Compressors))]
    public void An_nnunet_release_of_compressed_series_equals_that_of_the_uncompressed_ones_byte_for_byte(string tool, string options, string syntax)
    {
        var path = Oracle.Require(tool);
        using var project = new LabelProject(patients: 4, slices: 4, matrix: 20);
        foreach (var s in project.Series)
            LabelProject.WriteMask(LabelProject.Threshold(LabelProject.Stack(s), -500, label: 1), project.Combine("masks", s.SeriesUid + ".nii.gz"));
        const string manifest = """
            version: 1
            name: compressed-nnunet
            sources:
              - {id: scans, kind: dicom, path: raw}
              - {id: seg, kind: labels, path: masks, format: nifti-mask, key: SeriesInstanceUID}
            deidentify: {profile: basic}
            labels:
              classes: [{id: 0, name: background}, {id: 1, name: body}]
              annotations:
                - {name: body, kind: mask, source: seg}
            splits:
              ratios: {train: 0.75, test: 0.25}
              seed: 2
            output: {layout: nnunet}
            """;
        var before = Build(project, manifest, "before");
        Assert.Contains(before.Keys, k => k.Contains("imagesTr", StringComparison.Ordinal));
        Assert.Contains(before.Keys, k => k.Contains("labelsTr", StringComparison.Ordinal));
        Compress(project, path, options, syntax);
        var after = Build(project, manifest, "after");

        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} differs after compression with {tool}");
    }

    [SkippableTheory]
    [MemberData(nameof(Compressors))]
    public void The_nifti_of_a_compressed_series_equals_dcm2niixs_conversion_of_it(string tool, string options, string syntax)
    {
        var path = Oracle.Require(tool);
        var dcm2niix = Oracle.Require("dcm2niix");
        var python = Oracle.RequirePython("nibabel", "numpy");
        using var project = new LabelProject(patients: 1, slices: 5, matrix: 24);
        Compress(project, path, options, syntax);
        var result = project.Build("""
            version: 1
            name: compressed-dcm2niix
            sources:
              - {id: ct, kind: dicom, path: raw}
            deidentify: {profile: basic}
            output: {layout: nifti}
            """);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var ours = Assert.Single(Directory.GetFiles(project.Combine("out", "nifti"), "*.nii.gz", SearchOption.AllDirectories));

        var series = Assert.Single(project.Series).Folder;
        if (syntax == "1.2.840.10008.1.2.4.80")
        {
            // Debian's dcm2niix is built without JPEG-LS; it says to decode with dcmdjpls first, which is what it gets.
            var decoded = project.Combine("dcmdjpls");
            Directory.CreateDirectory(decoded);
            foreach (var file in Directory.GetFiles(series, "*.dcm"))
                Assert.Equal(0, Oracle.Run(Oracle.Require("dcmdjpls"), [file, Path.Combine(decoded, Path.GetFileName(file))]).ExitCode);
            series = decoded;
        }
        var theirs = project.Combine("dcm2niix");
        Directory.CreateDirectory(theirs);
        var run = Oracle.Run(dcm2niix, ["-z", "n", "-b", "n", "-f", "%s", "-o", theirs, series]);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var reference = Assert.Single(Directory.GetFiles(theirs, "*.nii"));

        var compare = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "compare_nifti.py"), ours, reference]);
        Assert.True(compare.ExitCode == 0, compare.StandardError);
        var report = JsonDocument.Parse(compare.StandardOutput).RootElement;
        Assert.Equal(report.GetProperty("shape_b").ToString(), report.GetProperty("shape_a").ToString());
        Assert.True(report.GetProperty("values_equal").GetBoolean(), compare.StandardOutput);
        Assert.True(report.GetProperty("max_affine_difference").GetDouble() <= 1e-4, compare.StandardOutput);
    }

    private static void Compress(LabelProject project, string tool, string options, string syntax)
    {
        foreach (var series in project.Series)
        foreach (var file in Directory.GetFiles(series.Folder, "*.dcm"))
        {
            var run = Oracle.Run(tool, [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), file, file + ".c"]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            File.Move(file + ".c", file, overwrite: true);
            Assert.Equal(syntax, DicomReader.ReadFile(file).TransferSyntax.Uid);
        }
    }

    /// <summary>Builds into out/ and returns every published file but the reports, by path; then moves out/ aside as <paramref name="name"/>.</summary>
    private static Dictionary<string, byte[]> Build(LabelProject project, string manifest, string name)
    {
        var result = project.Build(manifest);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var folder = project.Combine("out");
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".nii.gz", StringComparison.Ordinal) || Path.GetFileName(f) is "dataset.json" or "splits.json")
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes, StringComparer.Ordinal);
        Directory.Move(folder, project.Combine(name));
        return files;
    }
}
