namespace DataForge.Imaging;

/// <summary>What world space a qform or sform maps to (nifti1.h NIFTI_XFORM_*).</summary>
public enum XformCode
{
    /// <summary>Arbitrary coordinates; the transform should not be trusted.</summary>
    Unknown = 0,

    /// <summary>Scanner-based anatomical coordinates (what DICOM conversion produces).</summary>
    ScannerAnat = 1,

    /// <summary>Coordinates aligned to another file's or to anatomical truth.</summary>
    AlignedAnat = 2,

    /// <summary>Talairach-Tournoux atlas space.</summary>
    Talairach = 3,

    /// <summary>MNI 152 normalised space.</summary>
    Mni152 = 4,

    /// <summary>Normalised coordinates of another template (NIfTI 2013 addition).</summary>
    Template = 5,
}
