using Xunit;

namespace DataForge.Imaging.Tests;

public sealed class AffineTests
{
    [Fact]
    public void An_affine_times_its_inverse_is_the_identity()
    {
        var random = new Random(1);
        for (var n = 0; n < 50; n++)
        {
            var a = SampleVolumes.RandomAffine(random, flip: n % 2 == 0);
            Assert.True(a.Multiply(a.Inverse()).ApproximatelyEquals(Affine.Identity, 1e-12), $"{a}");
            Assert.True(a.Inverse().Multiply(a).ApproximatelyEquals(Affine.Identity, 1e-12), $"{a}");
        }
    }

    [Fact]
    public void Multiplication_applies_the_right_operand_first()
    {
        var scale = Affine.Diagonal(2, 3, 4);
        var shift = Affine.Diagonal(1, 1, 1, 10, 20, 30);
        Assert.Equal((12.0, 23.0, 34.0), shift.Multiply(scale).Apply(1, 1, 1));
        Assert.Equal((22.0, 63.0, 124.0), scale.Multiply(shift).Apply(1, 1, 1));
    }

    [Fact]
    public void Zooms_and_determinant_describe_the_voxel_grid()
    {
        var a = Affine.FromRows([0, -2, 0, 5, 3, 0, 0, 6, 0, 0, -4, 7]);
        Assert.Equal((3.0, 2.0, 4.0), a.Zooms);
        Assert.Equal(-24, a.Determinant, 12);
        Assert.Throws<InvalidOperationException>(() => Affine.Diagonal(1, 0, 1).Inverse());
    }
}
