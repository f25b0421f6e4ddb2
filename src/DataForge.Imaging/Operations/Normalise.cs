namespace DataForge.Imaging.Operations;

/// <summary>
/// Intensity normalisation by a method of <see cref="NormalisationMethod.All"/> (minmax, zscore,
/// sigma3, whitestripe, nyul). Statistics come from the voxels of <see cref="Mask"/>; the map
/// applies to every voxel. Output: float32 real values.
/// </summary>
/// <param name="Method">Manifest name of the method.</param>
/// <param name="Mask">Voxels the statistics are computed over (default all; Nyul's training uses foreground).</param>
/// <param name="Width">WhiteStripe: half-width of the stripe in quantile units (0.05 in the published method).</param>
/// <param name="Contrast">WhiteStripe: which histogram peak is white matter.</param>
/// <param name="Landmarks">Nyul: the landmarks learnt by <see cref="NyulLandmarks.Learn"/>.</param>
public sealed record Normalise(
    string Method,
    IntensityMask? Mask = null,
    double Width = 0.05,
    TissueContrast Contrast = TissueContrast.T1,
    NyulLandmarks? Landmarks = null) : IVolumeOperation
{
    public string Name => "normalise";

    /// <summary>The mask, all voxels when none was given.</summary>
    public IntensityMask Mask { get; init; } = Mask ?? IntensityMask.All;

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return NormalisationMethod.Get(Method).Function(this, volume);
    }
}
