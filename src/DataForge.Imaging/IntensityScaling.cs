namespace DataForge.Imaging;

/// <summary>
/// The linear map from stored voxel values to real values (NIfTI scl_slope and scl_inter):
/// real = Slope * stored + Intercept.
/// </summary>
public readonly record struct IntensityScaling(double Slope, double Intercept)
{
    /// <summary>No scaling: real values are the stored values.</summary>
    public static IntensityScaling Identity { get; } = new(1, 0);

    /// <summary>True when real values equal stored values.</summary>
    public bool IsIdentity => Slope == 1 && Intercept == 0;
}
