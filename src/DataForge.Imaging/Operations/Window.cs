namespace DataForge.Imaging.Operations;

/// <summary>
/// A display window for CT: real values clipped to [center - width/2, center + width/2], or to
/// [min, max]. With <see cref="Rescale"/>, the window is then mapped linearly to [0, 1].
/// Give either Center and Width, or Min and Max.
/// </summary>
public sealed record Window(double? Center = null, double? Width = null, double? Min = null, double? Max = null, bool Rescale = false)
    : IVolumeOperation
{
    public string Name => "window";

    /// <summary>The window's bounds.</summary>
    public (double Lower, double Upper) Bounds => (Center, Width, Min, Max) switch
    {
        ({ } c, { } w, null, null) when w > 0 => (c - w / 2, c + w / 2),
        (null, null, { } lo, { } hi) when lo < hi => (lo, hi),
        _ => throw new ImagingException("window needs {center, width > 0} or {min < max}"),
    };

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var (lo, hi) = Bounds;
        var clipped = IntensityMap.Clip(volume, lo, hi);
        if (!Rescale) return clipped;
        var scale = 1.0 / (hi - lo);
        return IntensityMap.Map(clipped, v => (float)((v - lo) * scale));
    }
}
