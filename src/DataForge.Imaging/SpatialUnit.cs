namespace DataForge.Imaging;

/// <summary>Unit of pixdim[1..3] (nifti1.h NIFTI_UNITS_*, the low 3 bits of xyzt_units).</summary>
public enum SpatialUnit
{
    Unknown = 0,
    Meter = 1,
    Millimeter = 2,
    Micron = 3,
}
