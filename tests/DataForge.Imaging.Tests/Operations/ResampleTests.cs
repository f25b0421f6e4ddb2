using System.Text.Json;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Operations;

public sealed class ResampleTests
{
    [Theory]
    [InlineData(0.5, 0.75, 1.6)]
    [InlineData(2.0, 1.3, 0.7)]
    [InlineData(1.0, 1.0, 1.0)]
    public void Linear_interpolation_reproduces_a_linear_gradient_inside_the_grid(double sx, double sy, double sz)
    {
        var volume = SampleVolumes.Gradient([20, 16, 12]);
        var resampled = new Resample([sx, sy, sz]).Apply(volume);
        var values = resampled.ToSingles();
        var toOld = volume.Affine.Inverse().Multiply(resampled.Affine);
        var checkedCount = 0;
        for (var n = 0; n < values.Length; n++)
        {
            int i = n % resampled.Dim(0), j = n / resampled.Dim(0) % resampled.Dim(1), k = n / (resampled.Dim(0) * resampled.Dim(1));
            var (x, y, z) = toOld.Apply(i, j, k);
            if (x < 0 || y < 0 || z < 0 || x > 19 || y > 15 || z > 11) continue; // mirrored edge positions
            var expected = 3 * x + 5 * y + 7 * z;
            Assert.True(Math.Abs(values[n] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"({i},{j},{k}): {values[n]} != {expected}");
            checkedCount++;
        }
        Assert.True(checkedCount > values.Length / 2, "too few voxels inside the grid were checked");
    }

    [Fact]
    public void The_centre_of_the_field_of_view_keeps_its_world_position_and_the_spacing_becomes_the_target()
    {
        var volume = SampleVolumes.Random(VoxelType.Int16, [21, 16, 9], new Random(4), flip: true);
        var (zx, zy, zz) = volume.Affine.Zooms;
        var resampled = new Resample([1.1, 0.9, 2.5]).Apply(volume);
        var before = volume.Affine.Apply(10, 7.5, 4);
        var c = new[] { (resampled.Dim(0) - 1) / 2.0, (resampled.Dim(1) - 1) / 2.0, (resampled.Dim(2) - 1) / 2.0 };
        var after = resampled.Affine.Apply(c[0], c[1], c[2]);
        Assert.Equal(before.X, after.X, 9);
        Assert.Equal(before.Y, after.Y, 9);
        Assert.Equal(before.Z, after.Z, 9);
        var zooms = resampled.Affine.Zooms;
        Assert.Equal((1.1, 0.9, 2.5), (Math.Round(zooms.X, 9), Math.Round(zooms.Y, 9), Math.Round(zooms.Z, 9)));
        Assert.Equal(new[] { (int)Math.Round(21 * zx / 1.1), (int)Math.Round(16 * zy / 0.9), (int)Math.Round(9 * zz / 2.5) },
            resampled.Shape.ToArray());
        Assert.Equal(1.1, resampled.Pixdim[0], 12);
    }

    [Fact]
    public void Nearest_keeps_the_stored_type_and_only_takes_existing_values()
    {
        var labels = new byte[10 * 8 * 6];
        for (var i = 0; i < labels.Length; i++) labels[i] = (byte)(i % 5);
        var volume = new Volume([10, 8, 6], labels, Affine.Diagonal(1, 1, 1));
        var resampled = new Resample([0.7, 1.9, 1.3], Interpolation.BSpline).ForLabels().Apply(volume);
        Assert.Same(VoxelType.UInt8, resampled.Type);
        Assert.All(resampled.Voxels<byte>().ToArray(), v => Assert.InRange(v, (byte)0, (byte)4));
        // Same spacing: nearest is the identity.
        Assert.True(volume.VoxelBytes.SequenceEqual(new Resample([1, 1, 1], Interpolation.Nearest).Apply(volume).VoxelBytes));
    }

    [Fact]
    public void BSpline_passes_through_the_voxels_and_follows_a_gradient_inside_the_grid()
    {
        var volume = SampleVolumes.Random(VoxelType.Float32, [9, 8, 7], new Random(9));
        var same = new Resample([volume.Affine.Zooms.X, volume.Affine.Zooms.Y, volume.Affine.Zooms.Z], Interpolation.BSpline).Apply(volume);
        var a = volume.ToSingles();
        var b = same.ToSingles();
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-3, $"voxel {i}: {b[i]} != {a[i]}");

        var gradient = SampleVolumes.Gradient([30, 30, 30]);
        var resampled = new Resample([0.6, 0.6, 0.6], Interpolation.BSpline).Apply(gradient);
        var values = resampled.ToSingles();
        var toOld = gradient.Affine.Inverse().Multiply(resampled.Affine);
        for (var n = 0; n < values.Length; n++)
        {
            int i = n % resampled.Dim(0), j = n / resampled.Dim(0) % resampled.Dim(1), k = n / (resampled.Dim(0) * resampled.Dim(1));
            var (x, y, z) = toOld.Apply(i, j, k);
            if (x < 10 || y < 10 || z < 10 || x > 19 || y > 19 || z > 19) continue; // away from the mirrored edges
            Assert.True(Math.Abs(values[n] - (3 * x + 5 * y + 7 * z)) < 2e-3, $"({x},{y},{z}): {values[n]}");
        }
    }

    [SkippableTheory]
    [InlineData(Interpolation.Linear, 1)]
    [InlineData(Interpolation.BSpline, 3)]
    public void Interpolated_values_match_scipy_map_coordinates(Interpolation interpolation, int order)
    {
        Oracle.RequirePython("nibabel", "numpy", "scipy.ndimage");
        using var temp = new TempDirectory("resample");
        var volume = SampleVolumes.Random(VoxelType.Float32, [11, 9, 7], new Random(21)) with { Sform = Affine.Diagonal(1, 1, 1), Qform = Affine.Diagonal(1, 1, 1) };
        var path = temp.Combine("v.nii");
        NiftiWriter.Write(volume, path);
        var resampled = new Resample([0.7, 1.45, 0.8], interpolation).Apply(volume);
        // scipy gets the old-grid coordinate of every new voxel; the grid convention is DataForge's own.
        var toOld = volume.Affine.Inverse().Multiply(resampled.Affine);
        var xs = new List<string>();
        var ys = new List<string>();
        var zs = new List<string>();
        for (var n = 0; n < resampled.VoxelCount; n++)
        {
            int i = n % resampled.Dim(0), j = n / resampled.Dim(0) % resampled.Dim(1), k = n / (resampled.Dim(0) * resampled.Dim(1));
            var (x, y, z) = toOld.Apply(i, j, k);
            xs.Add(x.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            ys.Add(y.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            zs.Add(z.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        var expected = JsonSerializer.Deserialize<double[]>(Nibabel.Run("interp", path, order.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", xs), string.Join(",", ys), string.Join(",", zs)))!;
        var actual = resampled.ToSingles();
        Assert.Equal(expected.Length, actual.Length);
        for (var n = 0; n < actual.Length; n++)
            Assert.True(Math.Abs(actual[n] - expected[n]) <= 1e-3 * Math.Max(1, Math.Abs(expected[n])), $"voxel {n}: {actual[n]}, scipy {expected[n]}");
    }
}
