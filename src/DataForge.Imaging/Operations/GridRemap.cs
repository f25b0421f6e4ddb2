using System.Collections.Immutable;
using System.Numerics;

namespace DataForge.Imaging.Operations;

/// <summary>
/// Moves voxels on the grid without interpolation (reorientation, crop, pad), in the volume's own
/// type: each output axis reads one source axis with a step of ±1; voxels with no source are 0.
/// Qform and sform are composed with the index map so that every voxel keeps its world position.
/// </summary>
internal static class GridRemap
{
    public static Volume Apply(Volume volume, int[] shape, AxisMap[] maps)
    {
        var newShape = volume.Shape.ToArray();
        for (var a = 0; a < 3 && a < newShape.Length; a++) newShape[a] = shape[a];
        var data = volume.Type.Dispatch(new Remap(volume, newShape, maps));
        var transform = IndexTransform(maps);
        var pixdim = volume.Pixdim.ToArray();
        for (var a = 0; a < 3; a++) pixdim[a] = volume.Pixdim[maps[a].SourceAxis];
        return volume.WithVoxels(newShape, data) with
        {
            Qform = volume.Qform.Multiply(transform),
            Sform = volume.Sform.Multiply(transform),
            Pixdim = [.. pixdim],
        };
    }

    /// <summary>The affine from new voxel indices to old ones.</summary>
    public static Affine IndexTransform(AxisMap[] maps)
    {
        var rows = new double[12];
        for (var a = 0; a < 3; a++)
        {
            rows[maps[a].SourceAxis * 4 + a] = maps[a].Step;
            rows[maps[a].SourceAxis * 4 + 3] = maps[a].Start;
        }
        return Affine.FromRows(rows);
    }

    private sealed class Remap(Volume volume, int[] shape, AxisMap[] maps) : IVoxelFunction<Array>
    {
        public Array Invoke<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var source = volume.Voxels<T>();
            int nx = shape[0], ny = volume.Shape.Length > 1 ? shape[1] : 1, nz = volume.Shape.Length > 2 ? shape[2] : 1;
            var frameOut = nx * ny * nz;
            var frameIn = volume.FrameSize;
            var result = new T[frameOut * volume.FrameCount];
            int[] srcDims = [volume.Dim(0), volume.Dim(1), volume.Dim(2)];
            int[] strides = [1, srcDims[0], srcDims[0] * srcDims[1]];
            var m0 = maps[0];
            var m1 = maps[1];
            var m2 = maps[2];
            // Output index range along x whose source lies inside the volume.
            var (x0, x1) = Valid(m0, nx, srcDims[m0.SourceAxis]);
            for (var f = 0; f < volume.FrameCount; f++)
            {
                for (var k = 0; k < nz; k++)
                {
                    var sk = m2.Start + m2.Step * k;
                    if (sk < 0 || sk >= srcDims[m2.SourceAxis]) continue;
                    for (var j = 0; j < ny; j++)
                    {
                        var sj = m1.Start + m1.Step * j;
                        if (sj < 0 || sj >= srcDims[m1.SourceAxis]) continue;
                        var rowBase = f * frameIn + sk * strides[m2.SourceAxis] + sj * strides[m1.SourceAxis];
                        var outBase = f * frameOut + (k * ny + j) * nx;
                        var stride = m0.Step * strides[m0.SourceAxis];
                        var src = rowBase + (m0.Start + m0.Step * x0) * strides[m0.SourceAxis];
                        for (var i = x0; i < x1; i++, src += stride) result[outBase + i] = source[src];
                    }
                }
            }
            return result;
        }

        private static (int From, int To) Valid(AxisMap m, int n, int sourceDim)
        {
            int from = 0, to = n;
            while (from < to && (m.Start + m.Step * from < 0 || m.Start + m.Step * from >= sourceDim)) from++;
            while (to > from && (m.Start + m.Step * (to - 1) < 0 || m.Start + m.Step * (to - 1) >= sourceDim)) to--;
            return (from, to);
        }
    }
}
