using System.Text.Json;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Operations;

public sealed class ReorientTests
{
    private static readonly string[] Codes = ["RAS", "LPS", "LAS", "PIR", "SAL", "IPL", "ARS", "RSP"];

    [Fact]
    public void Reorienting_there_and_back_restores_voxels_and_affines()
    {
        var volume = SampleVolumes.Random(VoxelType.Int16, [7, 5, 3, 2], new Random(11), flip: true);
        var original = AxisCodes.Of(volume);
        foreach (var code in Codes)
        {
            var there = new Reorient(code).Apply(volume);
            Assert.Equal(code, AxisCodes.Of(there));
            var back = new Reorient(original).Apply(there);
            Assert.Equal(volume.Shape.ToArray(), back.Shape.ToArray());
            Assert.True(volume.VoxelBytes.SequenceEqual(back.VoxelBytes), $"{code}: voxels differ after the round trip");
            Assert.True(volume.Qform.ApproximatelyEquals(back.Qform, 1e-9), $"{code}: qform {back.Qform}");
            Assert.True(volume.Sform.ApproximatelyEquals(back.Sform, 1e-9), $"{code}: sform {back.Sform}");
        }
    }

    [Fact]
    public void Every_voxel_keeps_its_world_position()
    {
        var volume = SampleVolumes.Gradient([6, 4, 3]) with { Sform = SampleVolumes.RandomAffine(new Random(3), true), SformCode = XformCode.ScannerAnat };
        var values = volume.ToSingles();
        foreach (var code in Codes)
        {
            var moved = new Reorient(code).Apply(volume);
            var movedValues = moved.ToSingles();
            var inverse = volume.Affine.Inverse();
            for (var n = 0; n < movedValues.Length; n++)
            {
                int i = n % moved.Dim(0), j = n / moved.Dim(0) % moved.Dim(1), k = n / (moved.Dim(0) * moved.Dim(1));
                var (x, y, z) = moved.Affine.Apply(i, j, k);
                var (oi, oj, ok) = inverse.Apply(x, y, z);
                var index = (int)Math.Round(oi) + volume.Dim(0) * ((int)Math.Round(oj) + volume.Dim(1) * (int)Math.Round(ok));
                Assert.Equal(values[index], movedValues[n]);
            }
        }
    }

    [Fact]
    public void An_axis_code_that_is_not_an_orientation_is_refused()
    {
        var volume = SampleVolumes.Gradient([2, 2, 2]);
        Assert.Throws<ImagingException>(() => new Reorient("RAR").Apply(volume));
        Assert.Throws<ImagingException>(() => new Reorient("XYZ").Apply(volume));
        Assert.Throws<ImagingException>(() => new Reorient("RA").Apply(volume));
    }

    [SkippableFact]
    public void Reorientation_matches_nibabel_orientations()
    {
        Oracle.RequirePython("nibabel", "numpy");
        using var temp = new TempDirectory("reorient");
        var volume = SampleVolumes.Random(VoxelType.Float32, [5, 4, 3], new Random(12), flip: true);
        var path = temp.Combine("v.nii");
        NiftiWriter.Write(volume, path);
        // The volume nibabel reads (float32 header) is the reference input for both sides.
        var read = NiftiReader.Read(path);
        foreach (var code in Codes)
        {
            using var doc = JsonDocument.Parse(Nibabel.Run("ornt", path, code));
            var root = doc.RootElement;
            var ours = new Reorient(code).Apply(read);
            Assert.Equal(root.GetProperty("codes").GetString(), AxisCodes.Of(ours));
            Assert.Equal(root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), ours.Shape);
            var affine = root.GetProperty("affine");
            for (var r = 0; r < 4; r++)
                for (var c = 0; c < 4; c++)
                    Assert.True(Math.Abs(affine[r][c].GetDouble() - ours.Affine[r, c]) < 1e-5, $"{code}: affine [{r},{c}]");
            Assert.Equal(root.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()), ours.ToSingles());
        }
    }

    public static TheoryData<string> ShippedNifti()
    {
        var data = new TheoryData<string>();
        // Files with data and an orientation (a qform or sform code): nibabel's affine is then the same as DataForge's.
        foreach (var f in new[] { "anatomical.nii", "functional.nii", "example4d.nii.gz", "standard.nii.gz", "reoriented_anat_moved.nii", "resampled_anat_moved.nii" })
            data.Add(f);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ShippedNifti))]
    public void Reorienting_to_RAS_matches_nibabels_as_closest_canonical(string fileName)
    {
        Oracle.RequirePython("nibabel", "numpy");
        var path = Path.Combine(Nibabel.TestDataFolder, fileName);
        Skip.IfNot(File.Exists(path), $"{fileName} is not in this nibabel's test data");
        using var temp = new TempDirectory("canonical");
        var expectedPath = temp.Combine("canonical.nii");
        Nibabel.Run("canonical", path, expectedPath);
        var expected = NiftiReader.Read(expectedPath);
        var volume = NiftiReader.Read(path);
        Assert.True(volume.QformCode != XformCode.Unknown || volume.SformCode != XformCode.Unknown, "the file has no orientation");
        var ours = new Reorient("RAS").Apply(volume);
        Assert.Equal(expected.Shape.ToArray(), ours.Shape.ToArray());
        Assert.True(expected.Affine.ApproximatelyEquals(ours.Affine, 1e-4), $"affine {ours.Affine}, nibabel {expected.Affine}");
        Assert.Equal(expected.ToSingles(), ours.ToSingles());
    }
}
