namespace DataForge.Imaging.Operations;

/// <summary>
/// One intensity normalisation method: its manifest name, the formula it applies (recorded in
/// the release's documentation) and the function. The methods are data in <see cref="All"/>.
/// </summary>
public sealed record NormalisationMethod(string Name, string Formula, bool IsLearnt, Func<Normalise, Volume, Volume> Function)
{
    public static NormalisationMethod MinMax { get; } = new("minmax", "(x - min) / (max - min), min and max over the mask", false,
        (p, v) =>
        {
            var values = v.ToSingles();
            var sorted = Statistics.Sorted(p.Mask.Select(v, values));
            double min = sorted[0], max = sorted[^1];
            if (!(max > min)) throw new ImagingException("minmax: every masked voxel has the same value");
            var scale = 1.0 / (max - min);
            return IntensityMap.Map(v, x => (float)((x - min) * scale));
        });

    public static NormalisationMethod ZScore { get; } = new("zscore", "(x - mean) / std, mean and population std over the mask", false,
        (p, v) =>
        {
            var (mean, std) = Statistics.MeanStd(p.Mask.Select(v, v.ToSingles()));
            if (!(std > 0)) throw new ImagingException("zscore: the masked voxels have zero standard deviation");
            return IntensityMap.Map(v, x => (float)((x - mean) / std));
        });

    public static NormalisationMethod Sigma3 { get; } = new("sigma3", "clip to [mean - 3 std, mean + 3 std] over the mask", false,
        (p, v) =>
        {
            var (mean, std) = Statistics.MeanStd(p.Mask.Select(v, v.ToSingles()));
            return IntensityMap.Clip(v, mean - 3 * std, mean + 3 * std);
        });

    public static NormalisationMethod WhiteStripe { get; } = new("whitestripe",
        "(x - mean) / std over the white stripe: masked voxels whose quantile lies within width of the tissue mode's", false,
        (p, v) =>
        {
            var stripe = Operations.WhiteStripe.Find(p.Mask.Select(v, v.ToSingles()), p.Width, p.Contrast);
            return IntensityMap.Map(v, x => (float)((x - stripe.Mean) / stripe.Std));
        });

    public static NormalisationMethod Nyul { get; } = new("nyul",
        "piecewise-linear map of the volume's percentile landmarks onto the learnt standard scale", true,
        (p, v) => (p.Landmarks ?? throw new ImagingException("nyul needs landmarks learnt over the training split")).Apply(v, p.Mask));

    /// <summary>Every method, by manifest name.</summary>
    public static IReadOnlyList<NormalisationMethod> All { get; } = [MinMax, ZScore, Sigma3, WhiteStripe, Nyul];

    /// <summary>The method with a manifest name; throws with the list of names otherwise.</summary>
    public static NormalisationMethod Get(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ImagingException($"unknown normalisation '{name}' (known: {string.Join(", ", All.Select(m => m.Name))})");
}
