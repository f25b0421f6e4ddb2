namespace DataForge.Imaging.Operations;

/// <summary>
/// Orientation codes as nibabel spells them: one letter per voxel axis naming the world direction
/// that the index increases towards (R/L, A/P, S/I). "RAS" is NIfTI's canonical orientation,
/// "LPS" DICOM's patient axes.
/// </summary>
public static class AxisCodes
{
    /// <summary>Each letter: its world axis (0 x, 1 y, 2 z) and sign in RAS+.</summary>
    private static readonly IReadOnlyDictionary<char, (int Axis, int Sign)> Letters = new Dictionary<char, (int, int)>
    {
        ['R'] = (0, 1), ['L'] = (0, -1),
        ['A'] = (1, 1), ['P'] = (1, -1),
        ['S'] = (2, 1), ['I'] = (2, -1),
    };

    private static readonly string[] Names = ["RL", "AP", "SI"];

    /// <summary>Parses three letters into (world axis, sign) per voxel axis; throws on an invalid code.</summary>
    public static (int Axis, int Sign)[] Parse(string codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var upper = codes.ToUpperInvariant();
        if (upper.Length != 3 || upper.Any(c => !Letters.ContainsKey(c)))
            throw new ImagingException($"orientation '{codes}' is not three letters from R/L, A/P, S/I");
        var parsed = upper.Select(c => Letters[c]).ToArray();
        if (parsed.Select(p => p.Axis).Distinct().Count() != 3)
            throw new ImagingException($"orientation '{codes}' names a world axis twice");
        return parsed;
    }

    /// <summary>The letters for (world axis, sign) per voxel axis.</summary>
    public static string Format(IReadOnlyList<(int Axis, int Sign)> orientation) =>
        new(orientation.Select(o => Names[o.Axis][o.Sign > 0 ? 0 : 1]).ToArray());

    /// <summary>
    /// The closest orientation of an affine, as nibabel's io_orientation finds it: the 3x3 part
    /// with columns normalised is replaced by its nearest orthogonal matrix, then voxel axes are
    /// matched to world axes by the largest remaining absolute element first.
    /// </summary>
    public static (int Axis, int Sign)[] Of(Affine affine)
    {
        var r = new double[3, 3];
        for (var j = 0; j < 3; j++)
        {
            var n = Math.Sqrt(affine[0, j] * affine[0, j] + affine[1, j] * affine[1, j] + affine[2, j] * affine[2, j]);
            for (var i = 0; i < 3; i++) r[i, j] = n == 0 ? 0 : affine[i, j] / n;
        }
        Matrix3.OrthogonalPolarFactor(r);
        var result = new (int Axis, int Sign)[3];
        var usedRow = new bool[3];
        var usedColumn = new bool[3];
        for (var step = 0; step < 3; step++)
        {
            var (bi, bj, best) = (-1, -1, -1.0);
            for (var i = 0; i < 3; i++)
                for (var j = 0; j < 3; j++)
                    if (!usedRow[i] && !usedColumn[j] && Math.Abs(r[i, j]) > best)
                        (bi, bj, best) = (i, j, Math.Abs(r[i, j]));
            usedRow[bi] = usedColumn[bj] = true;
            result[bj] = (bi, r[bi, bj] >= 0 ? 1 : -1);
        }
        return result;
    }

    /// <summary>The orientation code of an affine ("RAS", "LPS", ...).</summary>
    public static string Of(Volume volume) => Format(Of(volume.Affine));
}
