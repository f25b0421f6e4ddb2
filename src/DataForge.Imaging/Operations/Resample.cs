using System.Numerics;

namespace DataForge.Imaging.Operations;

/// <summary>
/// Resamples x, y and z to a target voxel spacing along the volume's own axes (no rotation).
/// Grid convention: the new size is round(n * spacing / target) (at least 1, halves away from
/// zero) and the centre of the field of view, voxel (n - 1) / 2, keeps its world position, so
/// new index j reads old coordinate c + (j - c') * target / spacing with c = (n - 1) / 2 and
/// c' = (n' - 1) / 2. Positions outside the grid are mirrored about the edge voxels (scipy.ndimage
/// mode "mirror"). Qform and sform are composed with that index map; the pixdims become the target.
/// Linear and B-spline output float32 real values; nearest keeps the stored type and scaling.
/// </summary>
/// <param name="Spacing">Target spacing in mm along x, y and z.</param>
/// <param name="Interpolation">Interpolation of intensities (label volumes always use nearest).</param>
public sealed record Resample(double[] Spacing, Interpolation Interpolation = Interpolation.Linear) : IVolumeOperation
{
    public string Name => "resample";

    /// <summary>The same step for a label volume: nearest neighbour, whatever was asked for intensities.</summary>
    public Resample ForLabels() => this with { Interpolation = Interpolation.Nearest };

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (Spacing is not { Length: 3 } || Spacing.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new ImagingException("resample needs three positive spacings in mm");
        var (zx, zy, zz) = volume.Affine.Zooms;
        double[] current = [zx, zy, zz];
        var shape = new int[3];
        var ratio = new double[3];
        var start = new double[3];
        for (var a = 0; a < 3; a++)
        {
            if (!(current[a] > 0)) throw new ImagingException($"the volume's voxel size along axis {a} is zero");
            var n = volume.Dim(a);
            shape[a] = Math.Max(1, (int)Math.Round(n * current[a] / Spacing[a], MidpointRounding.AwayFromZero));
            ratio[a] = Spacing[a] / current[a];
            start[a] = (n - 1) / 2.0 - (shape[a] - 1) / 2.0 * ratio[a];
        }
        var newShape = volume.Shape.ToArray();
        for (var a = 0; a < Math.Min(3, newShape.Length); a++) newShape[a] = shape[a];
        if (newShape.Length < 3 && shape.Skip(newShape.Length).Any(s => s != 1))
            throw new ImagingException("resampling would add a dimension the volume does not have");

        var kernels = Enumerable.Range(0, 3)
            .Select(a => Kernel1D.Build(Interpolation, volume.Dim(a), shape[a], start[a], ratio[a]))
            .ToArray();
        Array data;
        IntensityScaling scaling;
        if (Interpolation == Interpolation.Nearest)
        {
            data = volume.Type.Dispatch(new NearestGather(volume, shape, kernels));
            scaling = volume.Scaling;
        }
        else
        {
            data = Interpolate(volume, shape, kernels, Interpolation == Interpolation.BSpline);
            scaling = IntensityScaling.Identity;
        }
        var transform = Affine.Diagonal(ratio[0], ratio[1], ratio[2], start[0], start[1], start[2]);
        var pixdim = volume.Pixdim.ToArray();
        for (var a = 0; a < 3; a++) pixdim[a] = Spacing[a];
        return volume.WithVoxels(newShape, data) with
        {
            Qform = volume.Qform.Multiply(transform),
            Sform = volume.Sform.Multiply(transform),
            Pixdim = [.. pixdim],
            Scaling = scaling,
        };
    }

    private static float[] Interpolate(Volume volume, int[] shape, Kernel1D[] kernels, bool spline)
    {
        int nx = volume.Dim(0), ny = volume.Dim(1), nz = volume.Dim(2);
        int mx = shape[0], my = shape[1], mz = shape[2];
        var output = new float[mx * my * mz * volume.FrameCount];
        for (var f = 0; f < volume.FrameCount; f++)
        {
            var frame = volume.FrameToSingles(f);
            if (spline) BSplinePrefilter.Apply(frame, nx, ny, nz);
            // Separable passes: x, then y, then z (the map is axis-aligned).
            var afterX = Pass(frame, nx, ny * nz, kernels[0], mx);                     // [mx, ny, nz]
            var afterY = PassMiddle(afterX, mx, ny, nz, kernels[1], my);             // [mx, my, nz]
            var afterZ = PassMiddle(afterY, mx * my, nz, 1, kernels[2], mz);         // [mx, my, mz]
            afterZ.CopyTo(output, f * mx * my * mz);
        }
        return output;
    }

    /// <summary>Interpolates along the fastest axis: rows of n values become rows of m values.</summary>
    private static float[] Pass(float[] input, int n, int rows, Kernel1D kernel, int m)
    {
        var output = new float[m * rows];
        for (var r = 0; r < rows; r++)
        {
            var inRow = input.AsSpan(r * n, n);
            var outRow = output.AsSpan(r * m, m);
            for (var j = 0; j < m; j++) outRow[j] = kernel.Apply(j, inRow);
        }
        return output;
    }

    /// <summary>
    /// Interpolates along a middle axis of a [inner, n, outer] array: becomes [inner, m, outer].
    /// Each output row is a weighted sum of whole input rows, so memory is read contiguously.
    /// </summary>
    private static float[] PassMiddle(float[] input, int inner, int n, int outer, Kernel1D kernel, int m)
    {
        var output = new float[inner * m * outer];
        var sum = new double[inner];
        for (var o = 0; o < outer; o++)
            for (var j = 0; j < m; j++)
            {
                Array.Clear(sum);
                foreach (var (source, weight) in kernel.Taps(j))
                {
                    var row = input.AsSpan((o * n + source) * inner, inner);
                    for (var i = 0; i < inner; i++) sum[i] += weight * (double)row[i];
                }
                var outRow = output.AsSpan((o * m + j) * inner, inner);
                for (var i = 0; i < inner; i++) outRow[i] = (float)sum[i];
            }
        return output;
    }

    private sealed class NearestGather(Volume volume, int[] shape, Kernel1D[] kernels) : IVoxelFunction<Array>
    {
        public Array Invoke<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var source = volume.Voxels<T>();
            int nx = volume.Dim(0), ny = volume.Dim(1);
            int mx = shape[0], my = shape[1], mz = shape[2];
            var result = new T[mx * my * mz * volume.FrameCount];
            var o = 0;
            for (var f = 0; f < volume.FrameCount; f++)
                for (var k = 0; k < mz; k++)
                    for (var j = 0; j < my; j++)
                    {
                        var row = f * volume.FrameSize + (kernels[2].Nearest(k) * ny + kernels[1].Nearest(j)) * nx;
                        for (var i = 0; i < mx; i++) result[o++] = source[row + kernels[0].Nearest(i)];
                    }
            return result;
        }
    }

    public bool Equals(Resample? other) =>
        other is not null && Interpolation == other.Interpolation && Spacing.AsSpan().SequenceEqual(other.Spacing);

    public override int GetHashCode() => HashCode.Combine(Interpolation, Spacing.Length);
}
