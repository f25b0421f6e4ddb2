namespace DataForge.Imaging.Tests;

/// <summary>Synthetic volumes for tests: seeded, so every run sees the same values.</summary>
public static class SampleVolumes
{
    /// <summary>Random voxels covering the type's range, under a random rotation, zoom and translation.</summary>
    public static Volume Random(VoxelType type, int[] shape, Random random, bool flip = false)
    {
        var count = shape.Aggregate(1, (a, d) => a * d);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = type.IsInteger
                ? (float)Math.Round(Math.Max(type.MinValue, -1e6) + random.NextDouble() * (Math.Min(type.MaxValue, 1e6) - Math.Max(type.MinValue, -1e6)))
                : (float)(random.NextDouble() * 2000 - 1000);
        }
        var affine = RandomAffine(random, flip);
        var sform = Affine.FromRows([
            affine[0, 0], affine[0, 1] + 0.125, affine[0, 2], affine[0, 3],
            affine[1, 0], affine[1, 1], affine[1, 2], affine[1, 3],
            affine[2, 0], affine[2, 1], affine[2, 2], affine[2, 3]]);
        return new Volume(shape, type.FromSingle(values), affine) with { SformCode = XformCode.AlignedAnat, Sform = sform };
    }

    /// <summary>A rotation (random unit quaternion), zooms 0.5..3 mm, a flip of the third axis if asked, a translation.</summary>
    public static Affine RandomAffine(Random random, bool flip)
    {
        var q = new double[4];
        double norm;
        do
        {
            for (var i = 0; i < 4; i++) q[i] = random.NextDouble() * 2 - 1;
            norm = Math.Sqrt(q.Sum(v => v * v));
        } while (norm < 0.1 || norm > 1);
        var (w, x, y, z) = (q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm);
        double[,] r =
        {
            { 1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w) },
            { 2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w) },
            { 2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y) },
        };
        var zooms = new[] { 0.5 + random.NextDouble() * 2.5, 0.5 + random.NextDouble() * 2.5, 0.5 + random.NextDouble() * 2.5 };
        if (flip) zooms[2] = -zooms[2];
        var rows = new double[12];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++) rows[i * 4 + j] = r[i, j] * zooms[j];
            rows[i * 4 + 3] = random.NextDouble() * 200 - 100;
        }
        return Affine.FromRows(rows);
    }

    /// <summary>A float32 volume whose value is 3x + 5y + 7z + 11t (a linear gradient), 1 mm isotropic.</summary>
    public static Volume Gradient(int[] shape, double xStep = 3, double yStep = 5, double zStep = 7)
    {
        var count = shape.Aggregate(1, (a, d) => a * d);
        var values = new float[count];
        int nx = shape[0], ny = shape[1], nz = shape[2];
        for (var i = 0; i < count; i++)
        {
            var x = i % nx;
            var y = i / nx % ny;
            var z = i / (nx * ny) % nz;
            var t = i / (nx * ny * nz);
            values[i] = (float)(xStep * x + yStep * y + zStep * z + 11 * t);
        }
        return new Volume(shape, values, Affine.Identity);
    }
}
