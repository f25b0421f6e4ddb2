using DataForge.Imaging.Png;
using Xunit;

namespace DataForge.Imaging.Tests.Png;

public sealed class VoiWindowTests
{
    [Theory]
    // PS3.3 C.11.2.1.2.1, c = 40, w = 400: x <= c - 0.5 - (w-1)/2 = -160 is the bottom; x > c - 0.5 + (w-1)/2 = 239 the top;
    // between, ((x - 39.5) / 399 + 0.5).
    [InlineData(-160.0, 0.0)]
    [InlineData(239.0, 1.0)]
    [InlineData(239.01, 1.0)]
    [InlineData(39.5, 0.5)]
    [InlineData(139.25, 0.75)]
    public void A_linear_window_follows_the_standards_formula(double x, double expected)
    {
        Assert.Equal(expected, new VoiWindow(40, 400).Fraction(x), 12);
    }

    [Theory]
    // C.11.2.1.3.2 LINEAR_EXACT, c = 0, w = 100: [-50, 50] maps exactly onto [0, 1].
    [InlineData(-50.0, 0.0)]
    [InlineData(50.0, 1.0)]
    [InlineData(25.0, 0.75)]
    public void A_linear_exact_window_maps_its_bounds_exactly(double x, double expected)
    {
        Assert.Equal(expected, new VoiWindow(0, 100, VoiWindow.LinearExact).Fraction(x), 12);
        Assert.Equal(expected, VoiWindow.FromBounds(-50, 50).Fraction(x), 12);
    }

    [Fact]
    public void A_sigmoid_window_is_one_half_at_the_center_and_symmetric()
    {
        var w = new VoiWindow(10, 80, VoiWindow.Sigmoid);
        Assert.Equal(0.5, w.Fraction(10), 12);
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), w.Fraction(50), 12); // C.11.2.1.3.1: 1 / (1 + exp(-4 (x - c) / w))
        Assert.Equal(1, w.Fraction(50) + w.Fraction(-30), 12);
    }

    [Fact]
    public void Windows_the_standard_does_not_allow_say_why()
    {
        Assert.Contains("width >= 1", new VoiWindow(0, 0.5).Problem);
        Assert.Contains("width > 0", new VoiWindow(0, 0, VoiWindow.Sigmoid).Problem);
        Assert.Contains("not one of", new VoiWindow(0, 10, "CURVE").Problem);
        Assert.Null(new VoiWindow(0, 0.5, VoiWindow.LinearExact).Problem);
        Assert.Throws<ImagingException>(() => VoiWindow.FromBounds(3, 3));
    }
}
