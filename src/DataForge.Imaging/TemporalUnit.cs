namespace DataForge.Imaging;

/// <summary>Unit of pixdim[4] (nifti1.h NIFTI_UNITS_*, bits 3..5 of xyzt_units).</summary>
public enum TemporalUnit
{
    Unknown = 0,
    Second = 8,
    Millisecond = 16,
    Microsecond = 24,
    Hertz = 32,
    Ppm = 40,
    RadiansPerSecond = 48,
}
