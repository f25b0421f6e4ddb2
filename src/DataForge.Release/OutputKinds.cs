namespace DataForge.Release;

/// <summary>What an output file is, decided by the stage that made it and then by its extension.</summary>
public static class OutputKinds
{
    public const string DicomInstance = "dicom-instance";
    public const string NiftiVolume = "nifti-volume";
    public const string PngImage = "png-image";
    public const string Label = "label";
    public const string Split = "split";
    public const string Report = "report";
    public const string Sidecar = "sidecar";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [DicomInstance, NiftiVolume, PngImage, Label, Split, Report, Sidecar, Other];

    public static string Of(string stage, string path)
    {
        var name = path.ToLowerInvariant();
        var top = name.Split('/')[0];
        if (stage.StartsWith("label", StringComparison.Ordinal) || top is "labels" or "labelstr") return Label;
        // Training layouts: nnU-Net's label masks, the COCO annotation files.
        if (name.StartsWith("coco/annotations/", StringComparison.Ordinal)) return Label;
        if (stage.StartsWith("split", StringComparison.Ordinal) || top == "splits") return Split;
        // Reports: the de-identification and curation reports, and what a harmonise step learnt (Nyul landmarks).
        if (stage.Contains("report", StringComparison.Ordinal) || stage.StartsWith("curate", StringComparison.Ordinal)
            || top is "reports" or "harmonise") return Report;
        if (name.EndsWith(".dcm", StringComparison.Ordinal)) return DicomInstance;
        if (name.EndsWith(".nii.gz", StringComparison.Ordinal) || name.EndsWith(".nii", StringComparison.Ordinal)) return NiftiVolume;
        if (name.EndsWith(".png", StringComparison.Ordinal)) return PngImage;
        if (name.EndsWith(".json", StringComparison.Ordinal)) return Sidecar;
        if (name.EndsWith(".md", StringComparison.Ordinal) || name.EndsWith(".html", StringComparison.Ordinal)
            || name.EndsWith(".tsv", StringComparison.Ordinal) || name.EndsWith(".csv", StringComparison.Ordinal)) return Report;
        return Other;
    }
}
