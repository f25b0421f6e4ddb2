namespace DataForge.Imaging.Operations;

/// <summary>Which voxels an intensity statistic is computed over.</summary>
public enum MaskKind
{
    /// <summary>Every voxel.</summary>
    All,

    /// <summary>Voxels above the volume's mean (a simple foreground for CT and MR backgrounds).</summary>
    Foreground,

    /// <summary>Voxels where a label volume of the same shape is non-zero (or equals <see cref="IntensityMask.Label"/>).</summary>
    Label,
}
