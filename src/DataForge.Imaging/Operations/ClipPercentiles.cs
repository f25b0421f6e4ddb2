namespace DataForge.Imaging.Operations;

/// <summary>Clips real values to the [lower, upper] percentiles of the volume's own values (numpy's linear percentile).</summary>
public sealed record ClipPercentiles(double Lower = 1, double Upper = 99) : IVolumeOperation
{
    public string Name => "clip";

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (!(Lower >= 0 && Lower < Upper && Upper <= 100))
            throw new ImagingException($"clip percentiles [{Lower}, {Upper}] must satisfy 0 <= lower < upper <= 100");
        var sorted = Statistics.Sorted(volume.ToSingles());
        return IntensityMap.Clip(volume, Statistics.Percentile(sorted, Lower), Statistics.Percentile(sorted, Upper));
    }
}
