namespace DataForge.Imaging.Operations;

/// <summary>
/// Grey-level discretisation as PyRadiomics and the IBSI define it, 1-based bins:
/// fixed bin count N: bin = floor(N (x - min) / (max - min)) + 1, with x = max in bin N;
/// fixed bin width w: bin = floor(x / w) - floor(min / w) + 1. min and max over the volume.
/// Output int16 when the largest bin fits, else int32. Give exactly one of the two.
/// </summary>
public sealed record Discretise(int? BinCount = null, double? BinWidth = null) : IVolumeOperation
{
    public string Name => "discretise";

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var values = volume.ToSingles();
        var sorted = Statistics.Sorted(values);
        double min = sorted[0], max = sorted[^1];
        var bins = new float[values.Length];
        switch (BinCount, BinWidth)
        {
            case ({ } n, null) when n >= 1:
                var range = max - min;
                for (var i = 0; i < values.Length; i++)
                    bins[i] = range > 0 ? (float)Math.Min(n, Math.Floor(n * (values[i] - min) / range) + 1) : 1;
                break;
            case (null, { } w) when w > 0 && double.IsFinite(w):
                var first = Math.Floor(min / w);
                if ((Math.Floor(max / w) - first + 1) > int.MaxValue) throw new ImagingException("discretise: too many bins for this width");
                for (var i = 0; i < values.Length; i++)
                    bins[i] = (float)(Math.Floor(values[i] / w) - first + 1);
                break;
            default:
                throw new ImagingException("discretise needs either a bin count >= 1 or a bin width > 0");
        }
        var top = bins.Max();
        var type = top <= short.MaxValue ? VoxelType.Int16 : VoxelType.Int32;
        return volume.WithVoxels(volume.Shape, type.FromSingle(bins)) with { Scaling = IntensityScaling.Identity };
    }
}
