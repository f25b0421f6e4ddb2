using System.Text.Json;

namespace DataForge.Imaging.Operations;

/// <summary>
/// Nyúl and Udupa's piecewise-linear histogram standardisation ("On standardizing the MR image
/// intensity scale", Magn. Reson. Med. 42, 1999), with the deciles as landmarks (Shah et al.
/// 2011). Learning: for each training volume, the landmark percentiles of its masked voxels are
/// mapped linearly so that the first and last fall on [<see cref="ScaleMin"/>, <see cref="ScaleMax"/>];
/// the standard landmarks are their mean. Applying: each volume's own landmarks are mapped
/// piecewise-linearly onto the standard landmarks, extended linearly beyond the first and last.
/// This record is an output of the release (JSON via System.Text.Json).
/// </summary>
/// <param name="Percentiles">Landmark percentiles, increasing; the first and last bound the scale (default 1, 10, ..., 90, 99).</param>
/// <param name="Standard">Learnt standard-scale value of each landmark.</param>
/// <param name="ScaleMin">Standard scale's lower end.</param>
/// <param name="ScaleMax">Standard scale's upper end.</param>
/// <param name="Mask">Voxels whose percentiles are the landmarks (Foreground: above the mean).</param>
/// <param name="TrainingCount">How many volumes were learnt from.</param>
public sealed record NyulLandmarks(double[] Percentiles, double[] Standard, double ScaleMin, double ScaleMax, MaskKind Mask, int TrainingCount)
{
    /// <summary>1, 10, 20, ..., 90, 99.</summary>
    public static double[] DefaultPercentiles => [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99];

    /// <summary>Learns the standard landmarks over a set of volumes (the training split).</summary>
    public static NyulLandmarks Learn(IEnumerable<Volume> training, double[]? percentiles = null,
        double scaleMin = 1, double scaleMax = 100, MaskKind mask = MaskKind.Foreground)
    {
        ArgumentNullException.ThrowIfNull(training);
        var p = percentiles ?? DefaultPercentiles;
        if (p.Length < 3 || p.Zip(p.Skip(1)).Any(pair => !(pair.First < pair.Second)) || p[0] < 0 || p[^1] > 100)
            throw new ImagingException("nyul percentiles must be at least 3 increasing values in 0..100");
        if (!(scaleMin < scaleMax)) throw new ImagingException("nyul scale must satisfy min < max");
        var sum = new double[p.Length];
        var count = 0;
        foreach (var volume in training)
        {
            var landmarks = LandmarksOf(volume, p, mask);
            var span = landmarks[^1] - landmarks[0];
            if (!(span > 0)) throw new ImagingException("nyul: a training volume has equal first and last landmarks");
            for (var i = 0; i < p.Length; i++)
                sum[i] += scaleMin + (landmarks[i] - landmarks[0]) / span * (scaleMax - scaleMin);
            count++;
        }
        if (count == 0) throw new ImagingException("nyul needs at least one training volume");
        return new NyulLandmarks(p.ToArray(), sum.Select(s => s / count).ToArray(), scaleMin, scaleMax, mask, count);
    }

    /// <summary>The percentile landmarks of one volume's masked real values.</summary>
    public static double[] LandmarksOf(Volume volume, double[] percentiles, MaskKind mask)
    {
        var sorted = Statistics.Sorted(new IntensityMask(mask).Select(volume, volume.ToSingles()));
        return percentiles.Select(q => Statistics.Percentile(sorted, q)).ToArray();
    }

    /// <summary>
    /// Maps a volume onto the standard scale (float32 output). Its landmarks come from the mask the
    /// landmarks were learnt with, unless <paramref name="maskOverride"/> names another (not All).
    /// </summary>
    public Volume Apply(Volume volume, IntensityMask? maskOverride = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var mask = maskOverride is { Kind: not MaskKind.All } m ? m : new IntensityMask(Mask);
        var sorted = Statistics.Sorted(mask.Select(volume, volume.ToSingles()));
        var source = Percentiles.Select(q => Statistics.Percentile(sorted, q)).ToArray();
        for (var i = 1; i < source.Length; i++)
            if (!(source[i] > source[i - 1]))
                throw new ImagingException("nyul: the volume's landmarks are not strictly increasing (too few distinct values)");
        var target = Standard;
        return IntensityMap.Map(volume, x => (float)Interpolate(x, source, target));
    }

    private static double Interpolate(double x, double[] from, double[] to)
    {
        var n = from.Length;
        var k = x <= from[1] ? 0 : x >= from[n - 2] ? n - 2 : Segment(x, from);
        return to[k] + (x - from[k]) * (to[k + 1] - to[k]) / (from[k + 1] - from[k]);
    }

    private static int Segment(double x, double[] from)
    {
        int lo = 1, hi = from.Length - 2;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (x < from[mid]) hi = mid;
            else lo = mid;
        }
        return lo;
    }

    /// <summary>Canonical JSON of the landmarks (the release's output file).</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads landmarks written by <see cref="ToJson"/>.</summary>
    public static NyulLandmarks FromJson(string json) =>
        JsonSerializer.Deserialize<NyulLandmarks>(json) ?? throw new ImagingException("nyul landmarks JSON is empty");

    public bool Equals(NyulLandmarks? other) =>
        other is not null && Percentiles.AsSpan().SequenceEqual(other.Percentiles) && Standard.AsSpan().SequenceEqual(other.Standard)
        && ScaleMin == other.ScaleMin && ScaleMax == other.ScaleMax && Mask == other.Mask && TrainingCount == other.TrainingCount;

    public override int GetHashCode() => HashCode.Combine(ScaleMin, ScaleMax, Mask, TrainingCount, Standard.Length);
}
