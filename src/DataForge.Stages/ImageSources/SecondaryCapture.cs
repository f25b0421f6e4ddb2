using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataForge.Dicom;
using DataForge.Imaging.Raster;
using DataForge.Stages.Dicom;
using DataForge.Stages.Deidentify.Nifti;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// An image of an image source as a DICOM Secondary Capture instance (PS3.3 A.8; multi-page TIFF as the multi-frame
/// SC classes), the private form in which it joins the DICOM pipeline: curation, de-identification (the PS3.15
/// Annex E Basic Profile, pseudonyms from the one vault, date shifts, burned-in regions, the leak gate) and every
/// layout read it as they read any instance. The pixels are the decoded samples, re-encoded by DataForge's writer;
/// nothing of the file's metadata blocks is copied. The subject is the Patient ID (so an image of a patient whose DICOM
/// has that Patient ID gets the same pseudonym); study, series and instance UIDs are derived from the subject, the
/// study and series labels and the source path (a label that is a UID is used as the UID, joining a DICOM study).
/// Sidecar keys that are DICOM keywords (or dcm2niix's aliases) become their attributes, where the de-identifier
/// gives them Annex E's action; every other key is left out and counted.
/// </summary>
public static partial class SecondaryCapture
{
    // Attributes the image and its identity set; a sidecar cannot replace them.
    private static readonly HashSet<DicomTag> Reserved =
    [
        DicomTags.SOPClassUID, DicomTags.SOPInstanceUID, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID,
        DicomTags.PatientID, DicomTags.Modality, DicomTags.SpecificCharacterSet, DicomTags.NumberOfFrames,
    ];

    /// <summary>The instance's SOP Instance UID: from the source and the image's id (fields.id), else its path (what labels find it by).</summary>
    public static string InstanceUid(string sourceId, string stem, string? id) =>
        id is null ? ImageSourceInstances.Uid(sourceId, stem) : ImageSourceInstances.UidOfId(sourceId, id);

    /// <summary>Builds the instance; <paramref name="leftOut"/> receives each sidecar key (and its values) that did not become an attribute.</summary>
    public static DicomFile Build(RasterImage image, ImageFacts facts, ImageSidecar? sidecar, string sourceId, string stem,
        Action<string, JsonNode?> leftOut, Action<string, JsonNode?> mapped)
    {
        if (image.Float) return ParametricMap.Build(image, facts, sidecar, sourceId, stem, leftOut, mapped);
        var ds = new DicomDataset();
        ds.Add(DicomTags.ImageType, "DERIVED", "SECONDARY");
        ds.Add(DicomTags.ConversionType, "WSD");
        Identity(ds, facts, sourceId, stem);
        // PS3.3 C.7.3.1: Laterality (Type 2C) when the image's laterality is not given as Image Laterality.
        if (facts.Laterality is null) ds.Add(DicomTags.Laterality, DicomVR.CS, Array.Empty<string>());
        if (facts.Laterality is { } laterality) ds.Add(DicomTags.ImageLaterality, laterality);
        if (facts.View is { } view) ds.Add(DicomTags.ViewPosition, view);
        if (facts.PixelSpacing is { } spacing) ds.Add(DicomTags.PixelSpacing, spacing.Select(Decimal).ToArray());
        Pixels(ds, image);
        if (sidecar is not null) Sidecar(ds, sidecar, leftOut, mapped);
        var sopClass = image.Frames.Count == 1 ? SecondaryCaptureClasses.SingleFrame
            : image.SamplesPerPixel == 3 ? SecondaryCaptureClasses.MultiFrameTrueColor
            : image.BitsAllocated == 8 ? SecondaryCaptureClasses.MultiFrameByte : SecondaryCaptureClasses.MultiFrameWord;
        return DicomFile.Create(ds, sopClass, InstanceUid(sourceId, stem, facts.Id));
    }

    /// <summary>
    /// The patient, study and series of an image (and the Type 2 attributes of their modules, empty unless a sidecar
    /// fills them), shared by the Secondary Capture and the Parametric Map forms.
    /// </summary>
    internal static void Identity(DicomDataset ds, ImageFacts facts, string sourceId, string stem)
    {
        ds.Add(DicomTags.SpecificCharacterSet, "ISO_IR 192");
        ds.Add(DicomTags.Modality, facts.Modality);
        ds.Add(DicomTags.PatientID, facts.Subject);
        ds.Add(DicomTags.PatientName, DicomVR.PN, Array.Empty<string>());
        ds.Add(DicomTags.PatientBirthDate, DicomVR.DA, Array.Empty<string>());
        ds.Add(DicomTags.PatientSex, DicomVR.CS, Array.Empty<string>());
        var studyKey = facts.Subject + "\0" + (facts.Session ?? "") + "\0" + (facts.Study ?? "");
        ds.Add(DicomTags.StudyInstanceUID, IsUid(facts.Study) ? facts.Study! : HashUid("image-study\0" + studyKey));
        ds.Add(DicomTags.SeriesInstanceUID, IsUid(facts.Series) ? facts.Series! : HashUid("image-series\0" + studyKey + "\0" + (facts.Series ?? sourceId + "\0" + stem)));
        if (facts.Study is { } study && !IsUid(study)) ds.Add(DicomTags.StudyID, study.Length <= 16 ? study : study[..16]);
        if (facts.Series is { } series && !IsUid(series)) ds.Add(DicomTags.SeriesDescription, series.Length <= 64 ? series : series[..64]);
        ds.Add(DicomTags.InstanceNumber, "1");
        // Type 2 attributes of the SC IOD's modules (PS3.3 C.7.2.1, C.7.3.1, C.7.5.1, C.7.6.1): present, empty unless a sidecar fills them.
        foreach (var (tag, vr) in new[]
                 {
                     (DicomTags.StudyDate, DicomVR.DA), (DicomTags.StudyTime, DicomVR.TM), (DicomTags.AccessionNumber, DicomVR.SH),
                     (DicomTags.ReferringPhysicianName, DicomVR.PN), (DicomTags.StudyID, DicomVR.SH), (DicomTags.SeriesNumber, DicomVR.IS),
                     (DicomTags.Manufacturer, DicomVR.LO), (DicomTags.PatientOrientation, DicomVR.CS),
                 })
            if (!ds.Contains(tag)) ds.Add(tag, vr, Array.Empty<string>());
    }

    private static void Pixels(DicomDataset ds, RasterImage image)
    {
        ds.Add(DicomTags.SamplesPerPixel, (ushort)image.SamplesPerPixel);
        ds.Add(DicomTags.PhotometricInterpretation, image.Photometric);
        if (image.SamplesPerPixel > 1) ds.Add(DicomTags.PlanarConfiguration, (ushort)0);
        if (image.Frames.Count > 1) ds.Add(DicomTags.NumberOfFrames, image.Frames.Count.ToString(CultureInfo.InvariantCulture));
        ds.Add(DicomTags.Rows, (ushort)image.Height);
        ds.Add(DicomTags.Columns, (ushort)image.Width);
        ds.Add(DicomTags.BitsAllocated, (ushort)image.BitsAllocated);
        ds.Add(DicomTags.BitsStored, (ushort)image.BitsStored);
        ds.Add(DicomTags.HighBit, (ushort)(image.BitsStored - 1));
        ds.Add(DicomTags.PixelRepresentation, (ushort)(image.Signed ? 1 : 0));
        if (image.SamplesPerPixel == 1)
        {
            // The window of the sample range (PS3.3 C.11.2.1.2.1, LINEAR_EXACT): shown as stored, so an 8-bit image
            // comes out of the png layout with its own levels (16-bit ones with bit_depth 16), not stretched to min/max.
            var top = Math.Pow(2, image.BitsStored) - 1;
            var low = image.Signed ? -Math.Pow(2, image.BitsStored - 1) : 0;
            ds.Add(DicomTags.WindowCenter, Decimal(low + top / 2));
            ds.Add(DicomTags.WindowWidth, Decimal(top));
            ds.Add(DicomTags.VOILUTFunction, "LINEAR_EXACT");
        }
        var all = new byte[image.FrameLength * image.Frames.Count + (image.FrameLength * image.Frames.Count) % 2];
        for (var f = 0; f < image.Frames.Count; f++) image.Frames[f].CopyTo(all, f * image.FrameLength);
        ds.Add(DicomTags.PixelData, image.BitsAllocated == 8 ? DicomVR.OB : DicomVR.OW, all);
    }

    internal static void Sidecar(DicomDataset ds, ImageSidecar sidecar, Action<string, JsonNode?> leftOut, Action<string, JsonNode?> mapped)
    {
        foreach (var (key, value) in sidecar.Entries())
        {
            var entry = SidecarKeys.EntryOf(key);
            if (entry is null || Reserved.Contains(entry.Tag) || entry.Tag.Group is 0x0002 or 0x0028 or 0x7FE0 || ds.Contains(entry.Tag) && !Empty(ds, entry.Tag)
                || Values(value) is not { } values || !TrySet(ds, entry.Tag, entry.VR, values))
            {
                leftOut(key, value);
                continue;
            }
            mapped(key, value);
        }
    }

    private static bool Empty(DicomDataset ds, DicomTag tag) => string.IsNullOrEmpty(ds.GetString(tag));

    private static string[]? Values(JsonNode? value) => value switch
    {
        JsonValue v => [Scalar(v)],
        JsonArray a when a.All(x => x is JsonValue) => a.Select(x => Scalar((JsonValue)x!)).ToArray(),
        _ => null,
    };

    private static string Scalar(JsonValue v) => v.TryGetValue<string>(out var s) ? s.Trim() : v.ToJsonString();

    // Text VRs take the values as DICOM writes them (ISO dates and times to DA/TM/DT forms); binary numbers parse.
    private static bool TrySet(DicomDataset ds, DicomTag tag, DicomVR vr, string[] values)
    {
        var inv = CultureInfo.InvariantCulture;
        if (vr == DicomVR.DA) values = values.Select(v => v.Replace("-", "", StringComparison.Ordinal)).ToArray();
        else if (vr == DicomVR.TM) values = values.Select(v => v.Replace(":", "", StringComparison.Ordinal)).ToArray();
        else if (vr == DicomVR.DT) values = values.Select(v => IsoDateTime().Replace(v, "")).ToArray();
        if (vr.IsString)
        {
            if (values.Any(v => Encoding.UTF8.GetByteCount(v) > vr.MaxLength || v.Contains('\\')) || (!vr.IsMultiValued && values.Length > 1)) return false;
            if (vr == DicomVR.DA && !values.All(v => Regex.IsMatch(v, "^[0-9]{8}$"))) return false;
            if (vr == DicomVR.UI && !values.All(v => IsUid(v))) return false;
            if ((vr == DicomVR.DS || vr == DicomVR.IS) && !values.All(v => double.TryParse(v, NumberStyles.Float, inv, out _))) return false;
            ds.Add(tag, vr, values);
            return true;
        }
        try
        {
            if (vr == DicomVR.US) ds.Add(tag, values.Select(v => ushort.Parse(v, inv)).ToArray());
            else if (vr == DicomVR.SS) ds.Add(tag, values.Select(v => short.Parse(v, inv)).ToArray());
            else if (vr == DicomVR.UL) ds.Add(tag, values.Select(v => uint.Parse(v, inv)).ToArray());
            else if (vr == DicomVR.SL) ds.Add(tag, values.Select(v => int.Parse(v, inv)).ToArray());
            else if (vr == DicomVR.FL) ds.Add(tag, values.Select(v => float.Parse(v, inv)).ToArray());
            else if (vr == DicomVR.FD) ds.Add(tag, values.Select(v => double.Parse(v, inv)).ToArray());
            else return false;
            return true;
        }
        catch (FormatException) { return false; }
        catch (OverflowException) { return false; }
    }

    [GeneratedRegex("[-:T]|(?<=\\d)Z$")]
    private static partial Regex IsoDateTime();

    /// <summary>True when the text is a DICOM UID (PS3.5 9.1: digits and dots, at most 64 characters, no leading zeros).</summary>
    public static bool IsUid(string? text) => text is { Length: > 0 and <= 64 } && Regex.IsMatch(text, @"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$");

    internal static string Decimal(double v)
    {
        var s = v.ToString("G10", CultureInfo.InvariantCulture);
        return s.Length <= 16 ? s : v.ToString("G8", CultureInfo.InvariantCulture);
    }

    // A 2.25 UID from a hash: the values stay private (the de-identifier replaces every UID by a keyed one).
    internal static string HashUid(string text) => ImageSourceInstances.HashUid(text);
}
