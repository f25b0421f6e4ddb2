using DataForge.Imaging.Operations;
using Xunit;

namespace DataForge.Imaging.Tests.Operations;

public sealed class CropOrPadTests
{
    [Fact]
    public void Cropping_keeps_the_centred_block_and_its_world_positions()
    {
        var volume = SampleVolumes.Gradient([9, 8, 5]) with { Sform = SampleVolumes.RandomAffine(new Random(2), false) };
        var cropped = new CropOrPad([5, 3, 5]).Apply(volume);
        Assert.Equal(new[] { 5, 3, 5 }, cropped.Shape.ToArray());
        // Along x: 9 -> 5 starts at floor(4 / 2) = 2; along y: 8 -> 3 starts at floor(5 / 2) = 2.
        var values = cropped.ToSingles();
        Assert.Equal(3 * 2 + 5 * 2 + 7 * 0, values[0]);
        Assert.Equal(3 * 6 + 5 * 4 + 7 * 4, values[^1]);
        var (x, y, z) = cropped.Affine.Apply(0, 0, 0);
        var (ox, oy, oz) = volume.Affine.Apply(2, 2, 0);
        Assert.Equal((ox, oy, oz), (x, y, z));
    }

    [Fact]
    public void Padding_adds_zeros_around_and_cropping_back_restores_the_volume()
    {
        var volume = SampleVolumes.Random(VoxelType.Int16, [4, 5, 3, 2], new Random(3));
        var padded = new CropOrPad([7, 6, 8]).Apply(volume);
        Assert.Equal(new[] { 7, 6, 8, 2 }, padded.Shape.ToArray());
        Assert.Same(VoxelType.Int16, padded.Type);
        var p = padded.Voxels<short>();
        Assert.Equal(0, p[0]); // the corner is padding
        // x: 4 -> 7 puts floor(3 / 2) = 1 zero first; y: 1 -> 0; z: floor(5 / 2) = 2.
        Assert.Equal(volume.Voxels<short>()[0], p[1 + 7 * (0 + 6 * 2)]);
        var back = new CropOrPad([4, 5, 3]).Apply(padded);
        Assert.True(volume.VoxelBytes.SequenceEqual(back.VoxelBytes));
        Assert.True(volume.Sform.ApproximatelyEquals(back.Sform, 1e-9));
        Assert.True(volume.Qform.ApproximatelyEquals(back.Qform, 1e-9));
    }
}
