using System.Globalization;
using System.Text.Json;
using DataForge.Dicom;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The header facts that later stages group and check on (SOP, study, series, frame of reference,
/// modality, geometry, image shape), as the JSON metadata of a stage output; <see cref="LossyFacts"/> when the
/// pixels were lossy-compressed.
/// </summary>
public static class HeaderFacts
{
    /// <summary>The facts of a file as a JSON object; <paramref name="extra"/> adds stage-specific members first.</summary>
    public static byte[] ToJson(DicomFile file, Action<Utf8JsonWriter>? extra = null)
    {
        var ds = file.Dataset;
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            extra?.Invoke(json);
            Text(json, "sop_class_uid", ds, DicomTags.SOPClassUID, file.Meta.GetString(DicomTags.MediaStorageSOPClassUID));
            Text(json, "sop_instance_uid", ds, DicomTags.SOPInstanceUID, file.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
            json.WriteString("transfer_syntax_uid", file.TransferSyntax.Uid);
            Text(json, "study_instance_uid", ds, DicomTags.StudyInstanceUID);
            Text(json, "series_instance_uid", ds, DicomTags.SeriesInstanceUID);
            Text(json, "frame_of_reference_uid", ds, DicomTags.FrameOfReferenceUID);
            Text(json, "modality", ds, DicomTags.Modality);
            Text(json, "manufacturer", ds, DicomTags.Manufacturer);
            Integer(json, "instance_number", ds, DicomTags.InstanceNumber);
            Integer(json, "rows", ds, DicomTags.Rows);
            Integer(json, "columns", ds, DicomTags.Columns);
            Integer(json, "number_of_frames", ds, DicomTags.NumberOfFrames);
            Integer(json, "bits_allocated", ds, DicomTags.BitsAllocated);
            Numbers(json, "image_position_patient", ds, DicomTags.ImagePositionPatient);
            Numbers(json, "image_orientation_patient", ds, DicomTags.ImageOrientationPatient);
            Numbers(json, "pixel_spacing", ds, DicomTags.PixelSpacing);
            Numbers(json, "slice_thickness", ds, DicomTags.SliceThickness);
            LossyFacts.Write(json, LossyFacts.Of([file]));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Text(Utf8JsonWriter json, string name, DicomDataset ds, DicomTag tag, string? fallback = null)
    {
        var value = ds.GetString(tag) ?? fallback;
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value.Trim());
    }

    private static void Integer(Utf8JsonWriter json, string name, DicomDataset ds, DicomTag tag)
    {
        if (ds.GetInteger(tag) is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static void Numbers(Utf8JsonWriter json, string name, DicomDataset ds, DicomTag tag)
    {
        // DS and IS hold decimal text (PS3.5 6.2); other numeric VRs are binary.
        var element = ds.GetElement(tag);
        var count = element is null ? 0
            : element.VR == DicomVR.DS || element.VR == DicomVR.IS ? ds.GetStrings(tag).Count
            : ds.GetNumbers(tag).Length;
        var values = Enumerable.Range(0, count).Select(i => ds.GetNumber(tag, i)).ToList();
        if (values.Count == 0 || values.Any(v => v is not { } d || !double.IsFinite(d))) { json.WriteNull(name); return; }
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteRawValue(v!.Value.ToString("R", CultureInfo.InvariantCulture));
        json.WriteEndArray();
    }
}
