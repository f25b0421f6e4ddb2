namespace DataForge.Imaging.Operations;

/// <summary>
/// Precomputed 1D interpolation weights: for each output index, the source indices (already
/// mirrored into the grid) and their weights. Nearest has 1 tap, linear 2, cubic B-spline 4.
/// </summary>
internal sealed class Kernel1D
{
    private readonly int _taps;
    private readonly int[] _index;
    private readonly float[] _weight;

    private Kernel1D(int taps, int m)
    {
        _taps = taps;
        _index = new int[taps * m];
        _weight = new float[taps * m];
    }

    /// <summary>Weights for m outputs at source positions start + j * step over n source voxels.</summary>
    public static Kernel1D Build(Interpolation interpolation, int n, int m, double start, double step)
    {
        var taps = interpolation switch { Interpolation.Nearest => 1, Interpolation.Linear => 2, _ => 4 };
        var kernel = new Kernel1D(taps, m);
        Span<double> w = stackalloc double[4];
        for (var j = 0; j < m; j++)
        {
            var x = start + j * step;
            var b = j * taps;
            if (interpolation == Interpolation.Nearest)
            {
                kernel._index[b] = Mirror((int)Math.Floor(x + 0.5), n);
                kernel._weight[b] = 1;
                continue;
            }
            var i = (int)Math.Floor(x);
            var t = x - i;
            if (interpolation == Interpolation.Linear)
            {
                kernel._index[b] = Mirror(i, n);
                kernel._index[b + 1] = Mirror(i + 1, n);
                kernel._weight[b] = (float)(1 - t);
                kernel._weight[b + 1] = (float)t;
                continue;
            }
            // Cubic B-spline basis at offsets -1, 0, 1, 2 from floor(x).
            var u = 1 - t;
            w[0] = u * u * u / 6;
            w[1] = (3 * t * t * t - 6 * t * t + 4) / 6;
            w[2] = (-3 * t * t * t + 3 * t * t + 3 * t + 1) / 6;
            w[3] = t * t * t / 6;
            for (var k = 0; k < 4; k++)
            {
                kernel._index[b + k] = Mirror(i - 1 + k, n);
                kernel._weight[b + k] = (float)w[k];
            }
        }
        return kernel;
    }

    /// <summary>The single source index of output j (nearest neighbour kernels).</summary>
    public int Nearest(int j) => _index[j];

    /// <summary>The source indices and weights of output j.</summary>
    public IEnumerable<(int Source, float Weight)> Taps(int j)
    {
        for (var k = 0; k < _taps; k++) yield return (_index[j * _taps + k], _weight[j * _taps + k]);
    }

    /// <summary>The interpolated value of output j from a line of source values.</summary>
    public float Apply(int j, ReadOnlySpan<float> line)
    {
        var b = j * _taps;
        double sum = 0;
        for (var k = 0; k < _taps; k++) sum += _weight[b + k] * (double)line[_index[b + k]];
        return (float)sum;
    }

    /// <summary>Whole-sample symmetric extension (scipy "mirror"): -1 reads 1, n reads n - 2.</summary>
    public static int Mirror(int i, int n)
    {
        if (n == 1) return 0;
        var period = 2 * (n - 1);
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - i;
    }
}
