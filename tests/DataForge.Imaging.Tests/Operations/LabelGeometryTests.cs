using Xunit;
using DataForge.Imaging.Operations;

namespace DataForge.Imaging.Tests.Operations;

public sealed class LabelGeometryTests
{
    private static readonly IVolumeOperation[] Steps =
    [
        new Reorient("LPI"),
        new Resample([1.7, 2.3, 3.1], Interpolation.Linear),
        new ClipPercentiles(1, 99),
        new CropOrPad([13, 11, 5]),
        new Normalise("zscore"),
    ];

    [Fact]
    public void A_mask_follows_the_geometric_steps_and_stays_aligned_with_its_volume()
    {
        var volume = SampleVolumes.Random(VoxelType.Int16, [17, 14, 9], new Random(8), flip: true) with { Scaling = IntensityScaling.Identity };
        var values = volume.ToSingles();
        // Padding adds zeros to both: a positive threshold keeps padded image voxels out of the mask, as padded labels are.
        var threshold = Math.Max(1, values.Order().ElementAt(values.Length / 2));
        var mask = volume.WithVoxels(volume.Shape, values.Select(v => (byte)(v > threshold ? 2 : 0)).ToArray());

        var image = Steps.Aggregate(volume, (v, s) => s.Apply(v));
        var labels = LabelGeometry.Apply(mask, Steps);

        Assert.Equal(image.Shape.ToArray(), labels.Shape.ToArray());
        Assert.Equal(image.Affine.ToArray(), labels.Affine.ToArray());
        Assert.Equal(VoxelType.UInt8, labels.Type);

        // Nearest neighbour: the mask equals thresholding the image moved with nearest neighbour by the same steps.
        var nearest = Steps.Where(LabelGeometry.IsGeometric)
            .Select(s => s is Resample r ? r with { Interpolation = Interpolation.Nearest } : s)
            .Aggregate(volume, (v, s) => s.Apply(v));
        var expected = nearest.ToSingles().Select(v => (byte)(v > threshold ? 2 : 0)).ToArray();
        Assert.Equal(expected, labels.Voxels<byte>().ToArray());
        Assert.Contains((byte)2, expected);
    }
}
