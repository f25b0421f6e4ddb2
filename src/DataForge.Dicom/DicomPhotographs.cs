namespace DataForge.Dicom;

/// <summary>
/// Images that show what a camera sees, and so may show a face, a tattoo or a name on a form: the visible-light
/// modalities (PS3.3 C.7.3.1.1.1: XC external camera, GM general microscopy, ES endoscopy, OP ophthalmic photography,
/// SM slide microscopy) and the Secondary Capture and VL SOP classes (PS3.4 B.5: 1.2.840.10008.5.1.4.1.1.7.*, .77.1.*),
/// where scanned documents, screenshots and the images of PNG/TIFF/BMP sources live.
/// </summary>
public static class DicomPhotographs
{
    private static readonly HashSet<string> Modalities = new(StringComparer.Ordinal) { "XC", "GM", "ES", "OP", "SM" };

    /// <summary>True when the modality or SOP class says the image is a photograph, a capture or a scan.</summary>
    public static bool Is(string? modality, string? sopClassUid) =>
        (modality is not null && Modalities.Contains(modality.Trim().ToUpperInvariant()))
        || (sopClassUid?.Trim() is { } uid && (uid == "1.2.840.10008.5.1.4.1.1.7" || uid.StartsWith("1.2.840.10008.5.1.4.1.1.7.", StringComparison.Ordinal)
            || uid.StartsWith("1.2.840.10008.5.1.4.1.1.77.1", StringComparison.Ordinal)));
}
