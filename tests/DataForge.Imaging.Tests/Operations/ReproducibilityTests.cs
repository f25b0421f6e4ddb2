using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using Xunit;

namespace DataForge.Imaging.Tests.Operations;

/// <summary>Every step, applied twice to equal inputs, gives the same bytes: releases are verified bit for bit.</summary>
public sealed class ReproducibilityTests
{
    public static TheoryData<string> Steps() => ["reorient", "resample-linear", "resample-bspline", "resample-nearest", "crop_or_pad",
        "window", "clip", "minmax", "zscore", "sigma3", "whitestripe", "nyul", "discretise"];

    private static IVolumeOperation Step(string name) => name switch
    {
        "reorient" => new Reorient("LPI"),
        "resample-linear" => new Resample([0.8, 1.7, 1.1]),
        "resample-bspline" => new Resample([0.8, 1.7, 1.1], Interpolation.BSpline),
        "resample-nearest" => new Resample([0.8, 1.7, 1.1], Interpolation.Nearest),
        "crop_or_pad" => new CropOrPad([9, 20, 5]),
        "window" => new Window(Center: 40, Width: 400),
        "clip" => new ClipPercentiles(1, 99),
        "nyul" => new Normalise("nyul", Landmarks: NyulLandmarks.Learn([Input(1), Input(2)])),
        "discretise" => new Discretise(BinWidth: 25),
        _ => new Normalise(name, IntensityMask.Foreground),
    };

    private static Volume Input(int seed) => SampleVolumes.Random(VoxelType.Int16, [14, 12, 10], new Random(seed), flip: true)
        with { Scaling = new IntensityScaling(0.25, -100) };

    [Theory]
    [MemberData(nameof(Steps))]
    public void A_step_gives_identical_bytes_for_identical_input(string step)
    {
        var first = NiftiWriter.Encode(Step(step).Apply(Input(7)), gzip: true);
        var second = NiftiWriter.Encode(Step(step).Apply(Input(7)), gzip: true);
        Assert.Equal(first, second);
        Assert.NotEqual(NiftiWriter.Encode(Input(7), gzip: true), first);
    }
}
