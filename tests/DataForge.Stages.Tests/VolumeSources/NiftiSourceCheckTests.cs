using DataForge.Stages.VolumeSources;

namespace DataForge.Stages.Tests.VolumeSources;

/// <summary>NIfTI and Analyze sources without deidentify: each file is read and checked where its path is known.</summary>
public sealed class NiftiSourceCheckTests
{
    [SkippableFact]
    public void Without_deidentify_every_file_is_read_and_checked_and_nothing_is_published()
    {
        using var p = new NiftiSourceProject();
        var bytes = File.ReadAllBytes(p.Combine("legacy", "LEG004_t1.hdr"));
        BitConverter.GetBytes(1).CopyTo(bytes, 70); // datatype 1: binary
        File.WriteAllBytes(p.Combine("legacy", "LEG005_t1.hdr"), bytes);
        var result = p.Build("""
            version: 1
            name: nifti-check
            sources:
              - {id: bids, kind: nifti, path: bids}
              - {id: legacy, kind: analyze, path: legacy, subject: "^(?<subject>LEG[0-9]+)_"}
            output: {path: out, layout: dicom}
            """);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("legacy:LEG005_t1.hdr", failure.Item);
        Assert.Contains("byte 70: datatype 1 (binary", failure.Reason);
        // Four .nii.gz and their sidecars, two .hdr/.img pairs: each file read once, one failed.
        var files = result.Stages.Where(s => s.StageId.StartsWith(NiftiFilesStage.IdPrefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, files.Count);
        Assert.Equal(12, files.Sum(s => s.Total));
        Assert.Equal(1, files.Sum(s => s.Failed));
        Assert.False(Directory.Exists(p.Combine("out", "nifti")));
    }
}
