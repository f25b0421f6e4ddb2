namespace DataForge.Imaging.Operations;

/// <summary>
/// WhiteStripe (Shinohara et al., "Statistical normalization techniques for magnetic resonance
/// imaging", NeuroImage: Clinical 6, 2014): find the white-matter mode of the smoothed intensity
/// histogram, take its quantile q among the masked voxels, and keep as the "white stripe" the
/// voxels whose values lie strictly between the quantiles q - width and q + width (clamped to
/// 0..1). The volume is then z-scored with the stripe's mean and population std.
/// Smoothing: a 2000-bin histogram between the minimum and maximum, convolved with a Gaussian of
/// Scott's bandwidth (std * n^-1/5); peaks are strict local maxima.
/// </summary>
public static class WhiteStripe
{
    /// <summary>Which peak is white matter, and the upper-tail percentile removed before looking (100: none).</summary>
    public static IReadOnlyDictionary<TissueContrast, (PeakRule Rule, double KeepBelowPercentile)> PeakRules { get; } =
        new Dictionary<TissueContrast, (PeakRule, double)>
        {
            [TissueContrast.T1] = (PeakRule.Last, 96),
            [TissueContrast.T2] = (PeakRule.Largest, 100),
            [TissueContrast.Flair] = (PeakRule.Largest, 100),
            [TissueContrast.PD] = (PeakRule.Largest, 100),
        };

    private const int Bins = 2000;

    /// <summary>Finds the stripe among <paramref name="values"/> (the masked voxels).</summary>
    public static WhiteStripeResult Find(ReadOnlySpan<float> values, double width, TissueContrast contrast)
    {
        if (!(width > 0 && width < 0.5)) throw new ImagingException($"whitestripe width {width} must be in (0, 0.5)");
        var sorted = Statistics.Sorted(values);
        var (rule, keep) = PeakRules[contrast];
        var mode = TissueMode(sorted, rule, keep);
        var q = Statistics.FractionBelow(sorted, mode);
        var lower = Statistics.Percentile(sorted, Math.Max(q - width, 0) * 100);
        var upper = Statistics.Percentile(sorted, Math.Min(q + width, 1) * 100);
        var stripe = sorted.Where(v => v > lower && v < upper).ToArray();
        if (stripe.Length < 2) throw new ImagingException("whitestripe: the stripe holds fewer than 2 voxels");
        var (mean, std) = Statistics.MeanStd(stripe);
        if (!(std > 0)) throw new ImagingException("whitestripe: the stripe's values are all equal");
        return new WhiteStripeResult(mode, q, lower, upper, mean, std, stripe.Length);
    }

    /// <summary>The intensity at the chosen peak of the smoothed histogram.</summary>
    public static double TissueMode(float[] sorted, PeakRule rule, double keepBelowPercentile)
    {
        var top = keepBelowPercentile >= 100 ? sorted[^1] : Statistics.Percentile(sorted, keepBelowPercentile);
        var count = keepBelowPercentile >= 100 ? sorted.Length : Array.FindLastIndex(sorted, v => v <= top) + 1;
        var data = sorted.AsSpan(0, count);
        double min = data[0], max = data[^1];
        if (!(max > min)) return min;
        var binWidth = (max - min) / Bins;
        var histogram = new double[Bins];
        foreach (var v in data) histogram[Math.Min(Bins - 1, (int)((v - min) / binWidth))]++;
        var (_, std) = Statistics.MeanStd(data);
        var sigma = Math.Max(std * Math.Pow(data.Length, -0.2) / binWidth, 0.5);
        var smooth = Smooth(histogram, sigma);
        var peaks = new List<int>();
        for (var i = 1; i < Bins - 1; i++)
            if (smooth[i] > smooth[i - 1] && smooth[i] > smooth[i + 1]) peaks.Add(i);
        var largest = Array.IndexOf(smooth, smooth.Max());
        var bin = peaks.Count == 0 ? largest : rule switch
        {
            PeakRule.First => peaks[0],
            PeakRule.Last => peaks[^1],
            _ => largest,
        };
        return min + (bin + 0.5) * binWidth;
    }

    private static double[] Smooth(double[] histogram, double sigma)
    {
        var radius = (int)Math.Ceiling(4 * sigma);
        var kernel = new double[2 * radius + 1];
        for (var k = -radius; k <= radius; k++) kernel[k + radius] = Math.Exp(-0.5 * k * k / (sigma * sigma));
        var result = new double[histogram.Length];
        for (var i = 0; i < histogram.Length; i++)
        {
            double s = 0;
            for (var k = -radius; k <= radius; k++)
            {
                var j = i + k;
                if (j >= 0 && j < histogram.Length) s += kernel[k + radius] * histogram[j];
            }
            result[i] = s;
        }
        return result;
    }
}
