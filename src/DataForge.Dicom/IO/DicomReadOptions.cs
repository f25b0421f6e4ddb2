namespace DataForge.Dicom.IO;

/// <summary>How to read a DICOM file.</summary>
public sealed record DicomReadOptions
{
    /// <summary>Stop at the top-level Pixel Data element (7FE0,0010) without reading or buffering its value.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Upper bound on the inflated size of a deflated dataset (PS3.5 A.5); protects against deflate bombs.</summary>
    public long MaxInflatedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Whole file.</summary>
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Header only, for indexing.</summary>
    public static DicomReadOptions HeaderOnly { get; } = new() { StopBeforePixelData = true };
}
