using System.Globalization;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Dicom;

/// <summary>
/// Map stage <c>headers</c>: reads each source file's DICOM header (stopping before Pixel Data) and
/// records the facts later stages group and check on: SOP class and instance, study, series, frame of
/// reference, modality, geometry and image shape. A file that is not DICOM, or is broken, fails with the
/// parser's reason and byte offset and is quarantined; the rest of the build goes on.
/// The record is metadata in the private store (it holds UIDs), never published.
/// </summary>
public sealed class DicomHeaderStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "headers";

    /// <summary>Bump when the recorded facts change.</summary>
    public const int Version = 1;

    public DicomHeaderStage(IReadOnlyList<string> sources)
    {
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources);
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        DicomFile file;
        try
        {
            // The engine checks content against its hash as it is read, so the bytes are read whole;
            // the parse itself stops before Pixel Data.
            file = DicomReader.Read(item.ReadAllBytes(), DicomReadOptions.HeaderOnly);
        }
        catch (DicomFormatException e)
        {
            // The reason and offset come from the parser; the file name is left out (paths may carry names).
            var at = e.Offset >= 0 ? $" at byte {e.Offset}" : "";
            var tag = e.Tag is { } t ? $" in {t}" : "";
            return StageResult.Failed($"not readable as DICOM{at}{tag}: {e.Reason}");
        }
        var ds = file.Dataset;
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Text(json, "sop_class_uid", ds, DicomTags.SOPClassUID, file.Meta.GetString(DicomTags.MediaStorageSOPClassUID));
            Text(json, "sop_instance_uid", ds, DicomTags.SOPInstanceUID, file.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
            json.WriteString("transfer_syntax_uid", file.TransferSyntax.Uid);
            Text(json, "study_instance_uid", ds, DicomTags.StudyInstanceUID);
            Text(json, "series_instance_uid", ds, DicomTags.SeriesInstanceUID);
            Text(json, "frame_of_reference_uid", ds, DicomTags.FrameOfReferenceUID);
            Text(json, "modality", ds, DicomTags.Modality);
            Integer(json, "instance_number", ds, DicomTags.InstanceNumber);
            Integer(json, "rows", ds, DicomTags.Rows);
            Integer(json, "columns", ds, DicomTags.Columns);
            Integer(json, "number_of_frames", ds, DicomTags.NumberOfFrames);
            Integer(json, "bits_allocated", ds, DicomTags.BitsAllocated);
            Numbers(json, "image_position_patient", ds, DicomTags.ImagePositionPatient);
            Numbers(json, "image_orientation_patient", ds, DicomTags.ImageOrientationPatient);
            Numbers(json, "pixel_spacing", ds, DicomTags.PixelSpacing);
            Numbers(json, "slice_thickness", ds, DicomTags.SliceThickness);
            json.WriteEndObject();
        }
        var bytes = buffer.ToArray();
        var metadata = JsonDocument.Parse(bytes).RootElement.Clone();
        // Named by content hash: a path chosen from content, never from the source's (possibly identifying) name.
        return StageResult.Success(new StageOutput($"headers/{ContentHash.Of(bytes)}.json", bytes, metadata));
    }

    private static void Text(Utf8JsonWriter json, string name, DicomDataset ds, DicomTag tag, string? fallback = null)
    {
        var value = ds.GetString(tag) ?? fallback;
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value.Trim());
    }

    private static void Integer(Utf8JsonWriter json, string name, DicomDataset ds, DicomTag tag)
    {
        long? value;
        try { value = ds.GetInteger(tag); }
        catch (Exception e) when (e is FormatException or OverflowException or DicomFormatException) { value = null; }
        if (value is { } v) json.WriteNumber(name, v);
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
