namespace DataForge.Imaging.Operations;

/// <summary>
/// Deterministic statistics over float values: sums in double in index order, percentiles by
/// numpy's default rule (linear interpolation between the sorted values at rank p/100 * (n - 1)).
/// NaN values are ignored.
/// </summary>
public static class Statistics
{
    /// <summary>Mean and population standard deviation (ddof = 0) of the values.</summary>
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<float> values)
    {
        double sum = 0;
        long n = 0;
        foreach (var v in values)
            if (!float.IsNaN(v))
            {
                sum += v;
                n++;
            }
        if (n == 0) throw new ImagingException("no voxel to compute statistics over (empty mask?)");
        var mean = sum / n;
        double squares = 0;
        foreach (var v in values)
            if (!float.IsNaN(v))
                squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / n));
    }

    /// <summary>The values sorted ascending, NaN removed (the input is not modified).</summary>
    public static float[] Sorted(ReadOnlySpan<float> values)
    {
        var sorted = new float[values.Length];
        var n = 0;
        foreach (var v in values)
            if (!float.IsNaN(v)) sorted[n++] = v;
        if (n < sorted.Length) Array.Resize(ref sorted, n);
        Array.Sort(sorted);
        if (sorted.Length == 0) throw new ImagingException("no voxel to compute percentiles over (empty mask?)");
        return sorted;
    }

    /// <summary>Percentile p (0..100) of sorted values, numpy's "linear" method.</summary>
    public static double Percentile(ReadOnlySpan<float> sorted, double p)
    {
        if (!(p >= 0 && p <= 100)) throw new ImagingException($"percentile {p} is outside 0..100");
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        var t = rank - lo;
        return sorted[lo] + (sorted[hi] - (double)sorted[lo]) * t;
    }

    /// <summary>Fraction of the sorted values strictly below x.</summary>
    public static double FractionBelow(ReadOnlySpan<float> sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return (double)lo / sorted.Length;
    }
}
