namespace DataForge.Imaging.Operations;

/// <summary>Small 3x3 helpers shared by orientation code.</summary>
internal static class Matrix3
{
    public static double Determinant(double[,] r) =>
        r[0, 0] * (r[1, 1] * r[2, 2] - r[1, 2] * r[2, 1])
        - r[0, 1] * (r[1, 0] * r[2, 2] - r[1, 2] * r[2, 0])
        + r[0, 2] * (r[1, 0] * r[2, 1] - r[1, 1] * r[2, 0]);

    /// <summary>Replaces r by the orthogonal factor of its polar decomposition (Newton: X = (X + X^-T) / 2).</summary>
    public static void OrthogonalPolarFactor(double[,] r)
    {
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var det = Determinant(r);
            if (det == 0 || !double.IsFinite(det)) return;
            var next = new double[3, 3];
            var change = 0.0;
            for (var i = 0; i < 3; i++)
                for (var j = 0; j < 3; j++)
                {
                    int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
                    var cofactor = r[i1, j1] * r[i2, j2] - r[i1, j2] * r[i2, j1];
                    next[i, j] = 0.5 * (r[i, j] + cofactor / det);
                    change = Math.Max(change, Math.Abs(next[i, j] - r[i, j]));
                }
            Array.Copy(next, r, 9);
            if (change < 1e-15) return;
        }
    }
}
