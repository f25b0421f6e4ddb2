namespace DataForge.Stages.VolumeSources;

/// <summary>What a file of a NIfTI or Analyze source is, by its name.</summary>
public enum NiftiFileRole
{
    /// <summary>Not an image or a sidecar (README, participants.tsv, .bval, ...): skipped.</summary>
    Other,

    /// <summary>A single-file NIfTI (.nii, .nii.gz).</summary>
    Single,

    /// <summary>The header of a pair (.hdr, .hdr.gz): NIfTI-1 or Analyze 7.5.</summary>
    Header,

    /// <summary>The voxel data of a pair (.img, .img.gz).</summary>
    Data,

    /// <summary>A BIDS JSON sidecar (.json) beside an image of the same name.</summary>
    Sidecar,
}

/// <summary>Names of the files of a NIfTI or Analyze source: their role, and the stem that ties an image to its pair and sidecar.</summary>
public static class NiftiFiles
{
    private static readonly (string Suffix, NiftiFileRole Role)[] Suffixes =
    [
        (".nii.gz", NiftiFileRole.Single), (".nii", NiftiFileRole.Single),
        (".hdr.gz", NiftiFileRole.Header), (".hdr", NiftiFileRole.Header),
        (".img.gz", NiftiFileRole.Data), (".img", NiftiFileRole.Data),
        (".json", NiftiFileRole.Sidecar),
    ];

    /// <summary>The role of a file and its path without the role's suffix (case of the suffix ignored).</summary>
    public static (NiftiFileRole Role, string Stem) Classify(string relativePath)
    {
        foreach (var (suffix, role) in Suffixes)
            if (relativePath.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && relativePath.Length > suffix.Length)
                return (role, relativePath[..^suffix.Length]);
        return (NiftiFileRole.Other, relativePath);
    }

    /// <summary>The short name of a role in stage metadata.</summary>
    public static string Name(NiftiFileRole role) => role switch
    {
        NiftiFileRole.Single => "nii",
        NiftiFileRole.Header => "hdr",
        NiftiFileRole.Data => "img",
        NiftiFileRole.Sidecar => "json",
        _ => "other",
    };

    /// <summary>The role named by <see cref="Name"/>.</summary>
    public static NiftiFileRole Parse(string name) => name switch
    {
        "nii" => NiftiFileRole.Single,
        "hdr" => NiftiFileRole.Header,
        "img" => NiftiFileRole.Data,
        "json" => NiftiFileRole.Sidecar,
        _ => NiftiFileRole.Other,
    };

    /// <summary>
    /// The modality of an image when neither its sidecar nor the manifest gives one: BIDS datatype folders
    /// of MRI (anat, func, dwi, fmap, perf) are MR, pet is PT; anything else OT (other).
    /// </summary>
    public static string InferModality(string relativePath)
    {
        var folders = relativePath.Split('/')[..^1];
        if (folders.Any(f => f is "anat" or "func" or "dwi" or "fmap" or "perf")) return "MR";
        if (folders.Contains("pet")) return "PT";
        return "OT";
    }
}
