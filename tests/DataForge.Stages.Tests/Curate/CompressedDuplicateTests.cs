using DataForge.Dicom;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Curate;

/// <summary>Curation's duplicate check compares decoded pixels, so a compressed re-export is found too.</summary>
public class CompressedDuplicateTests
{
    [SkippableTheory]
    [InlineData("dcmcjpls", "")]
    [InlineData("dcmcjpeg", "+e1")]
    [InlineData("gdcmconv", "--j2k")]
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
}
