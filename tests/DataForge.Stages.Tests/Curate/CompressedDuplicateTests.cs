using DataForge.Dicom;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Curate;

/// <summary>
/// Curation's pixel checks read decoded pixels: a compressed re-export is found as a duplicate, and a compressed
/// empty image fails image quality as the uncompressed one does.
/// </summary>
public class CompressedDuplicateTests
{
    [SkippableTheory]
    [InlineData("dcmcjpls", "")]
    [InlineData("dcmcjpeg", "+e1")]
    [InlineData("gdcmconv", "--j2k")]
    [InlineData("dcmcrle", "")]
    public void A_losslessly_compressed_re_export_under_new_uids_is_a_duplicate_by_pixels(string tool, string options)
    {
        var path = Oracle.Require(tool);
        using var project = new CurationProject().Synth();
        var original = project.SeriesFiles("MR")[1];
        var native = project.Combine("reexport-native.dcm");
        CurationProject.Rewrite(original, file =>
        {
            file.Dataset.Add(DicomTags.SOPInstanceUID, "1.2.3.999.1");
            file.Meta.Add(DicomTags.MediaStorageSOPInstanceUID, "1.2.3.999.1");
            file.Dataset.Add(DicomTags.SeriesInstanceUID, "1.2.3.999");
        }, native);
        var copy = Path.Combine(project.Raw, "reexport.dcm");
        var run = Oracle.Run(path, [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), native, copy]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        File.Delete(native);

        var result = project.Build("{}");

        Assert.True(result.Succeeded, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var finding = Assert.Single(project.Findings());
        Assert.Equal("duplicates", finding.Check);
        Assert.Contains("same decoded pixels", finding.Reason, StringComparison.Ordinal);
        Assert.Equal(CurationProject.Ref(original), finding.Item);
    }

    [SkippableTheory]
    [InlineData("dcmcjpls", "")]
    [InlineData("dcmcjpeg", "+e1")]
    [InlineData("gdcmconv", "--j2k")]
    [InlineData("dcmcrle", "")]
    public void Image_quality_judges_compressed_instances_by_their_decoded_pixels(string tool, string options)
    {
        var path = Oracle.Require(tool);
        using var project = new CurationProject().Synth();
        // Every CT slice compressed; one of them holds a constant image first, which image quality calls empty.
        var files = project.SeriesFiles("CT");
        CurationProject.Rewrite(files[3], file =>
        {
            var pixels = file.Dataset.GetElement(DicomTags.PixelData)!;
            file.Dataset.Add(new DicomElement(DicomTags.PixelData, pixels.VR, new byte[pixels.Length]));
        });
        foreach (var file in files)
        {
            var run = Oracle.Run(path, [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), file, file + ".c"]);
            Assert.True(run.ExitCode == 0, run.StandardError);
            File.Move(file + ".c", file, overwrite: true);
            Assert.True(DataForge.Dicom.IO.DicomReader.ReadFile(file).TransferSyntax.IsEncapsulated);
        }

        var result = project.Build("""{"image_quality":{"on_fail":"exclude"}}""");

        Assert.True(result.Succeeded, string.Join("\n", result.Failures.Select(f => f.ToString())));
        var finding = Assert.Single(project.Findings());
        Assert.Equal((CurationProject.Ref(files[3]), "image_quality", "exclude"), (finding.Item, finding.Check, finding.Effect));
        Assert.StartsWith("empty image", finding.Reason, StringComparison.Ordinal);
    }
}
