namespace DataForge.Imaging.Operations;

/// <summary>How <see cref="Resample"/> computes a value between voxel centres.</summary>
public enum Interpolation
{
    /// <summary>The nearest voxel (ties round up); keeps the stored type. Always used for label volumes.</summary>
    Nearest,

    /// <summary>Trilinear; reproduces a linear gradient exactly (to float32 rounding) inside the grid.</summary>
    Linear,

    /// <summary>Cubic B-spline with exact prefiltering (interpolating: the result passes through the voxel values).</summary>
    BSpline,
}
