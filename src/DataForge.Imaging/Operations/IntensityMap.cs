namespace DataForge.Imaging.Operations;

/// <summary>Shared tail of intensity operations: a float32 volume of new real values, scaling identity.</summary>
internal static class IntensityMap
{
    public static Volume WithValues(Volume volume, float[] values) =>
        volume.WithVoxels(volume.Shape, values) with { Scaling = IntensityScaling.Identity };

    public static Volume Map(Volume volume, Func<float, float> f)
    {
        var values = volume.ToSingles();
        for (var i = 0; i < values.Length; i++) values[i] = f(values[i]);
        return WithValues(volume, values);
    }

    public static Volume Clip(Volume volume, double lo, double hi)
    {
        if (!(lo <= hi)) throw new ImagingException($"clip range [{lo}, {hi}] is empty");
        var flo = (float)lo;
        var fhi = (float)hi;
        return Map(volume, v => Math.Clamp(v, flo, fhi));
    }
}
