using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Media Storage Directory instances (DICOMDIR, SOP Class 1.2.840.10008.1.3.10, PS3.3 F.2; PS3.10 8.6): the index of
/// a file-set, not an image. Its directory records hold Patient IDs and names, and its Referenced File IDs (0004,1500)
/// are the file-set's paths, whose components are often the patient's ID. It is recognised by its SOP class, whatever
/// its file is called, and never published.
/// </summary>
public static class MediaStorageDirectory
{
    /// <summary>The Media Storage Directory Storage SOP Class UID.</summary>
    public const string SopClassUid = "1.2.840.10008.1.3.10";

    /// <summary>True when the file's Media Storage SOP Class UID (0002,0002) or SOP Class UID (0008,0016) is the directory's.</summary>
    public static bool Is(DicomFile file) =>
        IsDirectoryClass(file.Meta.GetString(DicomTags.MediaStorageSOPClassUID)) || IsDirectoryClass(file.Dataset.GetString(DicomTags.SOPClassUID));

    private static bool IsDirectoryClass(string? uid) => string.Equals(uid?.Trim().TrimEnd('\0'), SopClassUid, StringComparison.Ordinal);
}
