namespace DataForge.Dicom;

/// <summary>Groups of Body Part Examined defined terms (PS3.16 Annex L) that policies act on.</summary>
public static class DicomBodyParts
{
    /// <summary>
    /// The head and face, where an image or volume can show a face. NECK is left out: a neck volume rarely reaches
    /// the face.
    /// </summary>
    public static IReadOnlyList<string> HeadAndFace { get; } =
        ["HEAD", "BRAIN", "SKULL", "FACE", "HEADNECK", "ORBIT", "EYE", "EAR", "NOSE", "JAW", "MANDIBLE", "MAXILLA", "MOUTH", "SINUS", "TMJ", "IAC", "NASOPHARYNX"];
}
