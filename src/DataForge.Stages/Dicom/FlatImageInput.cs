using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The de-identified instances the 2D stages (the png layout, image2d before harmonise steps) take: which instances are
/// 2D images (a modality the stage takes, or any Secondary Capture: photographs, scans, the images of image sources; or a
/// Parametric Map of float pixels in one plane: the floating-point images of image sources),
/// and the common reading of one: the file, its pseudonym, or why it is left out or fails. One rule for the stages and
/// for the png layout's report of what it did not render.
/// </summary>
public static class FlatImageInput
{
    /// <summary>True when an instance of this modality and SOP class is a 2D image for a stage that takes <paramref name="modality"/>s of <paramref name="takes"/>.</summary>
    public static bool IsTwoDimensional(string modality, string? sopClassUid, Func<string, bool> takes)
    {
        ArgumentNullException.ThrowIfNull(takes);
        return takes(modality) || SecondaryCaptureClasses.Contains(sopClassUid);
    }

    // Parametric Map Storage (PS3.4 B.5): the form of floating-point images of image sources.
    private const string ParametricMapStorage = "1.2.840.10008.5.1.4.1.1.30";

    // A Parametric Map of float pixels whose frames all lie in one plane (the position is a shared functional group, as in
    // the maps of image sources, or there is one frame) is a 2D map, or a stack of them; one whose frames have positions
    // of their own is a volume, left to the volume layouts as other cross-sectional instances are.
    private static bool IsFloatMap(DicomDataset ds)
    {
        if (ds.GetString(DicomTags.SOPClassUID)?.Trim() != ParametricMapStorage) return false;
        if (!ds.Contains(DicomTags.FloatPixelData) && !ds.Contains(DicomTags.DoubleFloatPixelData)) return false;
        return (ds.GetInteger(DicomTags.NumberOfFrames) ?? 1) == 1
            || ds.Get(DicomTags.SharedFunctionalGroupsSequence) is DicomSequence { Items.Count: > 0 } shared && shared.Items[0].Contains(DicomTags.PlanePositionSequence);
    }

    /// <summary>
    /// Reads a de-identified instance for a 2D stage named <paramref name="stage"/> (its messages start with it). Returns
    /// the file and its pseudonym, or (<paramref name="result"/>) a success with no output for an instance that is not a
    /// 2D image or has no pixel data, or the failure of one the stage cannot render.
    /// </summary>
    public static (DicomFile File, string Pseudonym)? Read(StageInput input, string stage, Func<string, bool> takes, out StageResult? result)
    {
        ArgumentNullException.ThrowIfNull(input);
        result = null;
        DicomFile file;
        try
        {
            file = DicomReader.Read(input.Item.ReadAllBytes());
        }
        catch (DicomFormatException e)
        {
            result = StageResult.Failed(ReadFailure.Describe(e));
            return null;
        }
        var ds = file.Dataset;
        var modality = ds.GetString(DicomTags.Modality)?.Trim() ?? "";
        var floatMap = IsFloatMap(ds);
        if (!floatMap && (!IsTwoDimensional(modality, ds.GetString(DicomTags.SOPClassUID), takes) || !ds.Contains(DicomTags.PixelData)))
        {
            result = StageResult.Success();
            return null;
        }
        // A float map's frames are written from its stored values alone (its functional groups' mappings are not applied).
        if (ds.Contains(DicomTags.PerFrameFunctionalGroupsSequence) && !floatMap)
            result = StageResult.Failed($"{stage}: enhanced multi-frame instances (per-frame functional groups) are not supported yet");
        else if (ds.Contains(DicomTags.ModalityLUTSequence))
            result = StageResult.Failed($"{stage}: a Modality LUT Sequence (0028,3000) is not supported yet; only Rescale Slope/Intercept");
        else if (input.Item.Metadata.ValueKind != System.Text.Json.JsonValueKind.Object || !input.Item.Metadata.TryGetProperty("pseudonym", out var p)
                 || p.GetString() is not { Length: > 0 } pseudonym)
            result = StageResult.Failed($"{stage}: the instance carries no pseudonym (it must come from the deidentify stage)");
        else return (file, pseudonym);
        return null;
    }
}
