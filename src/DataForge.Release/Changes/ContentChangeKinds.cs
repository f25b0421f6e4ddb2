namespace DataForge.Release.Changes;

/// <summary>How a changed file was read to explain it; the values are the diff's <c>kind</c> strings.</summary>
public static class ContentChangeKinds
{
    /// <summary>A DICOM instance: attributes by keyword (or tag, when private or unknown).</summary>
    public const string Dicom = "dicom";

    /// <summary>A NIfTI-1/2 volume or mask: header fields, extensions and voxel data.</summary>
    public const string Nifti = "nifti";

    /// <summary>A PNG image: size, bit depth, colour type and pixels.</summary>
    public const string Png = "png";

    /// <summary>A JSON file (labels, splits, reports, sidecars): its top-level members.</summary>
    public const string Json = "json";

    /// <summary>Any other file, or one that could not be read as its kind: its content as a whole.</summary>
    public const string File = "file";
}
