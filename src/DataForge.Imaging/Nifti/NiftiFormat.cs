namespace DataForge.Imaging.Nifti;

/// <summary>The header layouts this library reads.</summary>
public enum NiftiFormat
{
    /// <summary>Mayo Analyze 7.5 (348-byte header, .hdr/.img pair, no orientation).</summary>
    Analyze75,

    /// <summary>NIfTI-1 (348-byte header, magic n+1 or ni1).</summary>
    Nifti1,

    /// <summary>NIfTI-2 (540-byte header, 64-bit dimensions, magic n+2 or ni2).</summary>
    Nifti2,
}
