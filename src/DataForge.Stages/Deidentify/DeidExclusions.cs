using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Why the deidentify stage leaves an instance out before de-identifying it: a reason code for the report and the
/// message the item fails with. The stage and the report ask the same question here, so that what the report counts
/// as excluded is what the stage excluded. Clean Pixel Data (PS3.15 E.3.1) blanks the rectangles of every
/// burned_in_regions rule that covers the instance first (from the original header); an encapsulated document is then
/// excluded unless its SOP class is kept whole (checked before Burned In Annotation, which is not the reason for it);
/// an instance with Burned In Annotation YES that no rule cleaned is excluded (PS3.3 C.7.6.1.1.7).
/// </summary>
public static class DeidExclusions
{
    /// <summary>Reason code: a burned_in_regions rule covers the instance but its pixels cannot be cleaned.</summary>
    public const string PixelCleaning = "pixel-cleaning";

    /// <summary>Reason code: an encapsulated document whose SOP class is not kept whole.</summary>
    public const string EncapsulatedDocument = "encapsulated-document";

    /// <summary>Reason code: Burned In Annotation YES and no rule cleaned the pixels.</summary>
    public const string BurnedInAnnotation = "burned-in-annotation";

    /// <summary>
    /// Null when the instance goes on to de-identification (<paramref name="cleaned"/> says, when its pixels were
    /// blanked in <paramref name="file"/> itself, how they were written: kept in the sender's syntax or re-encoded, see
    /// <see cref="CompressedPixels.Outcome"/>; null when they were not); else the reason code and the failure message
    /// (no value of the file).
    /// </summary>
    public static (string Code, string Message)? Check(DicomFile file, PixelCleaner? pixels, EncapsulatedDocuments documents, out string? cleaned)
    {
        cleaned = null;
        if (pixels?.Matching(file.Dataset) is { Count: > 0 } rules)
        {
            var sent = file.TransferSyntax;
            if (PixelCleaner.Blank(file, rules) is { } problem) return (PixelCleaning, "excluded: " + problem);
            cleaned = CompressedPixels.Outcome(sent, file.TransferSyntax);
        }
        var sopClass = file.Dataset.GetString(DicomTags.SOPClassUID);
        if (EncapsulatedDocuments.Holds(file.Dataset) && !documents.Keeps(sopClass))
            return (EncapsulatedDocument, EncapsulatedDocuments.ExclusionReason(sopClass));
        if (cleaned is null && string.Equals(file.Dataset.GetString(DicomTags.BurnedInAnnotation)?.Trim(), "YES", StringComparison.OrdinalIgnoreCase))
            return (BurnedInAnnotation, pixels is null
                ? "excluded: Burned In Annotation is YES; add clean-pixel-data with a burned_in_regions rule for its device to include it"
                : "excluded: Burned In Annotation is YES and no burned_in_regions rule covers its modality, manufacturer, model and size");
        return null;
    }
}
