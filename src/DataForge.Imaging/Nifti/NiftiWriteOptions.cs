namespace DataForge.Imaging.Nifti;

/// <summary>How <see cref="NiftiWriter"/> encodes a volume. Part of a stage's configuration: every field changes the output bytes.</summary>
public sealed record NiftiWriteOptions
{
    /// <summary>NIfTI-1 or NIfTI-2; null picks NIfTI-1 unless a dimension exceeds 32767.</summary>
    public NiftiFormat? Format { get; init; }

    /// <summary>zlib compression level for .nii.gz, 1 (fastest) to 9 (smallest); 6 is zlib's and dcm2niix's default.</summary>
    public int CompressionLevel { get; init; } = 6;

    /// <summary>The defaults.</summary>
    public static NiftiWriteOptions Default { get; } = new();
}
