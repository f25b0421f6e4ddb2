using System.Text.Json;
using DataForge.Imaging.Operations;
using Xunit;

namespace DataForge.Imaging.Tests.Operations;

/// <summary>Step parameters go into the release manifest and the action key as JSON: they must survive the trip.</summary>
public sealed class StepParametersTests
{
    [Fact]
    public void Every_step_record_round_trips_through_json()
    {
        var landmarks = NyulLandmarks.Learn([SampleVolumes.Gradient([6, 5, 4]), SampleVolumes.Gradient([6, 5, 4], 2, 9, 1)]);
        AssertRoundTrip(new Reorient("LPS"));
        AssertRoundTrip(new Resample([0.5, 0.5, 1.25], Interpolation.BSpline));
        AssertRoundTrip(new CropOrPad([128, 128, 64]));
        AssertRoundTrip(new Window(Center: 40, Width: 400));
        AssertRoundTrip(new Window(Min: -1000, Max: 400, Rescale: true));
        AssertRoundTrip(new ClipPercentiles(0.5, 99.5));
        AssertRoundTrip(new Normalise("zscore", IntensityMask.Foreground));
        AssertRoundTrip(new Normalise("whitestripe", Width: 0.05, Contrast: TissueContrast.T2));
        AssertRoundTrip(new Discretise(BinWidth: 25));
        var nyul = JsonSerializer.Deserialize<Normalise>(JsonSerializer.Serialize(new Normalise("nyul", Landmarks: landmarks)))!;
        Assert.Equal(landmarks, nyul.Landmarks);
    }

    [Fact]
    public void A_label_mask_is_identified_outside_the_json()
    {
        var labels = new Volume([2, 1, 1], new byte[] { 0, 1 }, Affine.Identity);
        var json = JsonSerializer.Serialize(new IntensityMask(MaskKind.Label, labels, 1));
        Assert.DoesNotContain("Labels", json);
        Assert.Contains("\"Label\":1", json);
    }

    private static void AssertRoundTrip<T>(T step) where T : IVolumeOperation
    {
        var json = JsonSerializer.Serialize(step);
        var back = JsonSerializer.Deserialize<T>(json);
        Assert.Equal(step, back);
        Assert.Equal(json, JsonSerializer.Serialize(back));
    }
}
