namespace DataForge.Imaging;

/// <summary>
/// An immutable 4x4 homogeneous transform, row-major, mapping voxel indices (i, j, k) to world
/// coordinates in millimetres, RAS+ as in NIfTI (x grows to the Right, y to the Anterior, z to the
/// Superior). The last row is always (0, 0, 0, 1).
/// </summary>
public sealed class Affine : IEquatable<Affine>
{
    private readonly double[] _m;

    private Affine(double[] m) => _m = m;

    /// <summary>The identity transform.</summary>
    public static Affine Identity { get; } = Diagonal(1, 1, 1);

    /// <summary>An affine from its first three rows (12 values, row-major); the fourth row is (0,0,0,1).</summary>
    public static Affine FromRows(ReadOnlySpan<double> rows)
    {
        if (rows.Length != 12 && rows.Length != 16)
            throw new ArgumentException("an affine needs 12 or 16 values, row-major", nameof(rows));
        var m = new double[16];
        rows[..12].CopyTo(m);
        m[15] = 1;
        return new Affine(m);
    }

    /// <summary>Scaling by (x, y, z) with an optional translation.</summary>
    public static Affine Diagonal(double x, double y, double z, double tx = 0, double ty = 0, double tz = 0) =>
        FromRows([x, 0, 0, tx, 0, y, 0, ty, 0, 0, z, tz]);

    /// <summary>Element at row r, column c (both 0..3).</summary>
    public double this[int r, int c] => _m[r * 4 + c];

    /// <summary>The 16 values, row-major.</summary>
    public double[] ToArray() => (double[])_m.Clone();

    /// <summary>The 3x3 linear part's column lengths: the voxel spacing along each index axis.</summary>
    public (double X, double Y, double Z) Zooms =>
        (Norm(0), Norm(1), Norm(2));

    private double Norm(int c) =>
        Math.Sqrt(_m[c] * _m[c] + _m[4 + c] * _m[4 + c] + _m[8 + c] * _m[8 + c]);

    /// <summary>Determinant of the 3x3 linear part (negative for a left-handed voxel grid).</summary>
    public double Determinant =>
        _m[0] * (_m[5] * _m[10] - _m[6] * _m[9])
        - _m[1] * (_m[4] * _m[10] - _m[6] * _m[8])
        + _m[2] * (_m[4] * _m[9] - _m[5] * _m[8]);

    /// <summary>this × other: applies <paramref name="other"/> first, then this.</summary>
    public Affine Multiply(Affine other)
    {
        var r = new double[16];
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 4; j++)
            {
                double s = 0;
                for (var k = 0; k < 4; k++) s += _m[i * 4 + k] * other._m[k * 4 + j];
                r[i * 4 + j] = s;
            }
        r[12] = r[13] = r[14] = 0;
        r[15] = 1;
        return new Affine(r);
    }

    /// <summary>The inverse transform; throws when the linear part is singular.</summary>
    public Affine Inverse()
    {
        var det = Determinant;
        if (det == 0 || !double.IsFinite(det))
            throw new InvalidOperationException("the affine's 3x3 part is singular and cannot be inverted");
        var a = _m;
        var inv = new double[16];
        inv[0] = (a[5] * a[10] - a[6] * a[9]) / det;
        inv[1] = (a[2] * a[9] - a[1] * a[10]) / det;
        inv[2] = (a[1] * a[6] - a[2] * a[5]) / det;
        inv[4] = (a[6] * a[8] - a[4] * a[10]) / det;
        inv[5] = (a[0] * a[10] - a[2] * a[8]) / det;
        inv[6] = (a[2] * a[4] - a[0] * a[6]) / det;
        inv[8] = (a[4] * a[9] - a[5] * a[8]) / det;
        inv[9] = (a[1] * a[8] - a[0] * a[9]) / det;
        inv[10] = (a[0] * a[5] - a[1] * a[4]) / det;
        for (var r = 0; r < 3; r++)
            inv[r * 4 + 3] = -(inv[r * 4] * a[3] + inv[r * 4 + 1] * a[7] + inv[r * 4 + 2] * a[11]);
        inv[15] = 1;
        return new Affine(inv);
    }

    /// <summary>Maps a point (voxel indices to world coordinates for a volume's affine).</summary>
    public (double X, double Y, double Z) Apply(double i, double j, double k) =>
        (_m[0] * i + _m[1] * j + _m[2] * k + _m[3],
         _m[4] * i + _m[5] * j + _m[6] * k + _m[7],
         _m[8] * i + _m[9] * j + _m[10] * k + _m[11]);

    /// <summary>True when every element differs by at most <paramref name="tolerance"/>.</summary>
    public bool ApproximatelyEquals(Affine other, double tolerance)
    {
        for (var i = 0; i < 16; i++)
            if (!(Math.Abs(_m[i] - other._m[i]) <= tolerance)) return false;
        return true;
    }

    public bool Equals(Affine? other) => other is not null && _m.AsSpan().SequenceEqual(other._m);

    public override bool Equals(object? obj) => Equals(obj as Affine);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in _m) h.Add(v);
        return h.ToHashCode();
    }

    public override string ToString() =>
        string.Join("; ", Enumerable.Range(0, 4).Select(r =>
            string.Join(" ", Enumerable.Range(0, 4).Select(c => this[r, c].ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))));
}
