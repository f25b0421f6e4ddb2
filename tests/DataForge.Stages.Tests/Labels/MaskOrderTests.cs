using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Labels;
using DataForge.Stages.Volumes;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Labels;

/// <summary>A mask on the image's voxels, stored in another axis order by another tool, is accepted and published in the image's order.</summary>
public sealed class MaskOrderTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-mask-order");

    public void Dispose() => _dir.Dispose();

    [SkippableTheory]
    [InlineData("R", "A", "S")]
    [InlineData("L", "P", "S")]
    [InlineData("S", "R", "A")]
    public void A_mask_nibabel_reoriented_is_turned_back_to_the_image_order(string x, string y, string z)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        // The image grid as the volume stage makes it from an axial DICOM series: LPS-like, rows flipped.
        int[] shape = [5, 4, 3];
        var affine = Affine.FromRows([-0.8, 0, 0, 20, 0, -0.7, 0, 30, 0, 0, 2.5, -40]);
        var labels = new byte[5 * 4 * 3];
        for (var i = 0; i < labels.Length; i++) labels[i] = (byte)(i * 7 % 3);
        var original = _dir.Combine("mask.nii.gz");
        NiftiWriter.Write(new Volume(shape, labels, affine), original);

        // Another tool's copy: nibabel turns it to the requested axis codes (data and affine together).
        var turned = _dir.Combine("turned.nii.gz");
        var script = $$"""
            import nibabel as nib
            from nibabel.orientations import io_orientation, axcodes2ornt, ornt_transform
            img = nib.load('{{original}}')
            out = img.as_reoriented(ornt_transform(io_orientation(img.affine), axcodes2ornt(('{{x}}', '{{y}}', '{{z}}'))))
            nib.save(out, '{{turned}}')
            print(''.join(nib.aff2axcodes(out.affine)))
            """;
        var run = Oracle.Run(python, ["-c", script]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal(x + y + z, run.StandardOutput.Trim());

        var (bytes, classes, problems) = MaskImport.Check(NiftiReader.Read(turned), new ImageGeometry("P", "S", "v.nii", shape, affine), []);

        Assert.Empty(problems);
        Assert.Equal([1, 2], classes.Where(c => c > 0));
        var published = _dir.Combine("published.nii.gz");
        File.WriteAllBytes(published, bytes!);
        var back = NiftiReader.Read(published);
        Assert.Equal(shape, back.Shape.ToArray());
        Assert.True(back.Affine.ApproximatelyEquals(affine, 1e-4));
        Assert.Equal(labels, back.ToSingles().Select(v => (byte)v).ToArray());
    }

    [Fact]
    public void A_mask_on_another_grid_is_still_refused()
    {
        var affine = Affine.FromRows([-0.8, 0, 0, 20, 0, -0.7, 0, 30, 0, 0, 2.5, -40]);
        var shifted = Affine.FromRows([-0.8, 0, 0, 21, 0, -0.7, 0, 30, 0, 0, 2.5, -40]);
        var (bytes, _, problems) = MaskImport.Check(new Volume([5, 4, 3], new byte[60], shifted), new ImageGeometry("P", "S", "v.nii", [5, 4, 3], affine), []);
        Assert.Null(bytes);
        Assert.Equal("geometry", Assert.Single(problems).Check);
    }
}
