namespace DataForge.Imaging.Operations;

/// <summary>
/// Turns samples into cubic B-spline coefficients so that the spline passes through them
/// (Unser, Aldroubi and Eden 1993; Thévenaz, Blu and Unser 2000): a causal and an anti-causal
/// recursive filter with pole z = √3 − 2 along each axis, mirror-symmetric boundaries.
/// </summary>
internal static class BSplinePrefilter
{
    private static readonly double Pole = Math.Sqrt(3) - 2;

    public static void Apply(float[] frame, int nx, int ny, int nz)
    {
        var line = new double[Math.Max(nx, Math.Max(ny, nz))];
        for (var k = 0; k < nz; k++)
            for (var j = 0; j < ny; j++)
                Filter(frame, (k * ny + j) * nx, 1, nx, line);
        for (var k = 0; k < nz; k++)
            for (var i = 0; i < nx; i++)
                Filter(frame, k * ny * nx + i, nx, ny, line);
        for (var j = 0; j < ny; j++)
            for (var i = 0; i < nx; i++)
                Filter(frame, j * nx + i, nx * ny, nz, line);
    }

    private static void Filter(float[] data, int offset, int stride, int n, double[] c)
    {
        if (n < 2) return;
        var z = Pole;
        for (var k = 0; k < n; k++) c[k] = 6.0 * data[offset + k * stride];
        // Causal initialisation for a mirror-symmetric signal (exact when the sum is short).
        var horizon = (int)Math.Ceiling(Math.Log(1e-12) / Math.Log(Math.Abs(z)));
        double sum;
        if (horizon < n)
        {
            sum = c[0];
            var zn = z;
            for (var k = 1; k < horizon; k++, zn *= z) sum += zn * c[k];
        }
        else
        {
            var zn = z;
            var iz = 1.0 / z;
            var z2n = Math.Pow(z, n - 1);
            sum = c[0] + z2n * c[n - 1];
            z2n *= z2n * iz;
            for (var k = 1; k < n - 1; k++, zn *= z, z2n *= iz) sum += (zn + z2n) * c[k];
            sum /= 1 - zn * zn;
        }
        c[0] = sum;
        for (var k = 1; k < n; k++) c[k] += z * c[k - 1];
        c[n - 1] = z / (z * z - 1) * (z * c[n - 2] + c[n - 1]);
        for (var k = n - 2; k >= 0; k--) c[k] = z * (c[k + 1] - c[k]);
        for (var k = 0; k < n; k++) data[offset + k * stride] = (float)c[k];
    }
}
