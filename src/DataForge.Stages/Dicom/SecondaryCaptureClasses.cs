namespace DataForge.Stages.Dicom;

/// <summary>The SOP classes of the Secondary Capture family (PS3.4 B.5): 2D images whatever their modality says.</summary>
public static class SecondaryCaptureClasses
{
    /// <summary>Secondary Capture Image Storage.</summary>
    public const string SingleFrame = "1.2.840.10008.5.1.4.1.1.7";

    /// <summary>Multi-frame Single Bit Secondary Capture Image Storage.</summary>
    public const string MultiFrameSingleBit = "1.2.840.10008.5.1.4.1.1.7.1";

    /// <summary>Multi-frame Grayscale Byte Secondary Capture Image Storage.</summary>
    public const string MultiFrameByte = "1.2.840.10008.5.1.4.1.1.7.2";

    /// <summary>Multi-frame Grayscale Word Secondary Capture Image Storage.</summary>
    public const string MultiFrameWord = "1.2.840.10008.5.1.4.1.1.7.3";

    /// <summary>Multi-frame True Color Secondary Capture Image Storage.</summary>
    public const string MultiFrameTrueColor = "1.2.840.10008.5.1.4.1.1.7.4";

    /// <summary>True for a SOP class of the family (photographs, scans, the images of image sources).</summary>
    public static bool Contains(string? sopClass) =>
        sopClass?.Trim() is SingleFrame or MultiFrameSingleBit or MultiFrameByte or MultiFrameWord or MultiFrameTrueColor;
}
