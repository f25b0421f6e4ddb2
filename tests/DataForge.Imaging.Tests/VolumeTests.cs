using Xunit;

namespace DataForge.Imaging.Tests;

public sealed class VolumeTests
{
    [Fact]
    public void A_buffer_that_does_not_match_the_shape_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Volume([2, 2, 2], new short[7], Affine.Identity));
        Assert.Throws<ArgumentException>(() => new Volume([2, 0, 2], new short[0], Affine.Identity));
        Assert.Throws<ArgumentException>(() => new Volume([1, 1, 1, 1, 1, 1, 1, 1], new short[1], Affine.Identity));
        Assert.Throws<ArgumentException>(() => new Volume([2], new decimal[2], Affine.Identity));
    }

    [Fact]
    public void The_affine_is_the_sform_then_the_qform_then_the_pixdims()
    {
        var q = Affine.Diagonal(2, 2, 2, 1, 1, 1);
        var s = Affine.Diagonal(3, 3, 3);
        var volume = new Volume([2, 2, 2], new float[8], q) with { Sform = s };
        Assert.Same(s, volume.Affine);
        Assert.Same(q, (volume with { SformCode = XformCode.Unknown }).Affine);
        var neither = volume with { SformCode = XformCode.Unknown, QformCode = XformCode.Unknown };
        Assert.Equal(Affine.Diagonal(2, 2, 2), neither.Affine);
    }

    [Fact]
    public void Frames_are_the_3d_volumes_of_a_4d_series()
    {
        var values = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (float)i).ToArray();
        var volume = new Volume([2, 3, 4, 5], values, Affine.Identity);
        Assert.Equal((24, 5), (volume.FrameSize, volume.FrameCount));
        Assert.Equal(values.Skip(48).Take(24), volume.FrameToSingles(2));
        Assert.Throws<InvalidOperationException>(() => volume.Voxels<short>().ToArray());
    }
}
