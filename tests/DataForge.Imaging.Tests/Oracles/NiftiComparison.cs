using DataForge.Imaging.Nifti;

namespace DataForge.Imaging.Tests.Oracles;

/// <summary>Lists every difference between what DataForge and nibabel read from one file.</summary>
public static class NiftiComparison
{
    public const double AffineTolerance = 1e-5;

    public static List<string> Compare(Volume volume, NiftiHeader header, NibabelImage expected)
    {
        var problems = CompareHeader(header, expected);
        var name = System.IO.Path.GetFileName(expected.Path);
        if (!volume.Shape.SequenceEqual(expected.Shape))
            problems.Add($"{name}: volume shape [{string.Join(",", volume.Shape)}]");
        if (volume.Type.Name != expected.Dtype)
            problems.Add($"{name}: voxel type {volume.Type.Name}, nibabel {expected.Dtype}");
        if (header.Format == NiftiFormat.Analyze75 || header.QformCode != 0 || header.SformCode != 0)
            Matrix(problems, name, "affine", volume.Affine, expected.Affine);
        if (Math.Abs(volume.Scaling.Slope - expected.Slope) > 1e-12 * Math.Abs(expected.Slope)
            || Math.Abs(volume.Scaling.Intercept - expected.Inter) > 1e-12 * Math.Max(1, Math.Abs(expected.Inter)))
            problems.Add($"{name}: scaling {volume.Scaling}, nibabel slope {expected.Slope} inter {expected.Inter}");
        for (var i = 0; i < expected.Zooms.Length; i++)
            if (Math.Abs(volume.Pixdim[i] - expected.Zooms[i]) > 1e-6)
                problems.Add($"{name}: pixdim[{i + 1}] {volume.Pixdim[i]}, nibabel {expected.Zooms[i]}");
        if (expected.Raw is null || expected.Real is null)
        {
            problems.Add($"{name}: nibabel read no voxel data");
            return problems;
        }
        var raw = StoredAsDoubles(volume);
        if (raw.Length != expected.Raw.Length)
        {
            problems.Add($"{name}: {raw.Length} voxels, nibabel {expected.Raw.Length}");
            return problems;
        }
        var real = volume.ToSingles();
        var rawDiffs = 0;
        var realDiffs = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (!SameValue(raw[i], expected.Raw[i], 0)) rawDiffs++;
            if (!SameValue(real[i], expected.Real[i], 1e-6)) realDiffs++;
        }
        if (rawDiffs > 0) problems.Add($"{name}: {rawDiffs} stored values differ from nibabel's");
        if (realDiffs > 0) problems.Add($"{name}: {realDiffs} scaled values differ from nibabel's");
        return problems;
    }

    public static List<string> CompareHeader(NiftiHeader header, NibabelImage expected)
    {
        var name = System.IO.Path.GetFileName(expected.Path);
        var problems = new List<string>();
        if (!header.Shape.SequenceEqual(expected.Shape))
            problems.Add($"{name}: shape [{string.Join(",", header.Shape)}], nibabel [{string.Join(",", expected.Shape)}]");
        if (header.VoxelType?.Name != expected.Dtype)
            problems.Add($"{name}: datatype {header.VoxelType?.Name ?? header.Datatype.ToString()}, nibabel {expected.Dtype}");
        if (header.BigEndian != (expected.Endianness == ">"))
            problems.Add($"{name}: big-endian {header.BigEndian}, nibabel {expected.Endianness}");
        if (header.Format == NiftiFormat.Analyze75)
        {
            Matrix(problems, name, "Analyze affine", header.AnalyzeAffine, expected.Affine);
            return problems;
        }
        if (expected.Qform is not null) Matrix(problems, name, "qform", header.Qform, expected.Qform);
        if (expected.Sform is not null) Matrix(problems, name, "sform", header.Sform, expected.Sform);
        if (header.QformCode != expected.QformCode) problems.Add($"{name}: qform_code {header.QformCode}, nibabel {expected.QformCode}");
        if (header.SformCode != expected.SformCode) problems.Add($"{name}: sform_code {header.SformCode}, nibabel {expected.SformCode}");
        if (header.XyztUnits != expected.XyztUnits) problems.Add($"{name}: xyzt_units {header.XyztUnits}, nibabel {expected.XyztUnits}");
        if (expected.VoxOffset is { } offset && offset != 0 && header.VoxOffset != offset)
            problems.Add($"{name}: vox_offset {header.VoxOffset}, nibabel {offset}");
        // descrip is a C string: it ends at the first NUL, where nibabel keeps any bytes after it.
        if (expected.Descrip is not null && header.Description != expected.Descrip.Split('\0')[0])
            problems.Add($"{name}: descrip '{header.Description}', nibabel '{expected.Descrip}'");
        return problems;
    }

    private static void Matrix(List<string> problems, string name, string what, Affine actual, double[,] expected) =>
        problems.AddRange(Matrix(name, what, actual, expected));

    /// <summary>The first element (if any) that differs by more than <see cref="AffineTolerance"/>.</summary>
    public static IEnumerable<string> Matrix(string name, string what, Affine actual, double[,] expected)
    {
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 4; j++)
                if (!(Math.Abs(actual[i, j] - expected[i, j]) <= AffineTolerance))
                    return [$"{name}: {what} [{i},{j}] = {actual[i, j]}, nibabel {expected[i, j]}"];
        return [];
    }

    private static bool SameValue(double actual, double expected, double relative) =>
        (double.IsNaN(actual) && double.IsNaN(expected))
        || actual == expected
        || Math.Abs(actual - expected) <= relative * Math.Max(1, Math.Abs(expected));

    /// <summary>Stored voxels converted to double, as numpy's astype(float64) does.</summary>
    public static double[] StoredAsDoubles(Volume volume) => volume.Type.Dispatch(new ToDoubles(volume));

    private sealed class ToDoubles(Volume volume) : IVoxelFunction<double[]>
    {
        public double[] Invoke<T>() where T : unmanaged, System.Numerics.INumber<T>, System.Numerics.IMinMaxValue<T>
        {
            var v = volume.Voxels<T>();
            var result = new double[v.Length];
            for (var i = 0; i < v.Length; i++) result[i] = double.CreateTruncating(v[i]);
            return result;
        }
    }
}
