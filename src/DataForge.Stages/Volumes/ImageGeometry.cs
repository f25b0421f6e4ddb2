using DataForge.Imaging;

namespace DataForge.Stages.Volumes;

/// <summary>An image volume's grid as the volume stage reports it: shape and affine (RAS+ mm).</summary>
public sealed record ImageGeometry(string Patient, string Series, string Path, IReadOnlyList<int> Shape, Affine Affine)
{
    /// <summary>The voxel index (continuous) of a RAS+ position.</summary>
    public (double I, double J, double K) VoxelOf(double x, double y, double z) => Affine.Inverse().Apply(x, y, z);

    /// <summary>True when a continuous voxel index falls inside the grid (voxel centres at integers).</summary>
    public bool Contains((double I, double J, double K) v) =>
        v.I >= -0.5 && v.I < Shape[0] - 0.5 && v.J >= -0.5 && v.J < Shape[1] - 0.5 && v.K >= -0.5 && v.K < Shape[2] - 0.5;
}
