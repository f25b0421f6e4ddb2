using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// The metadata curation stages exchange, in the private store. An <c>instance</c> (from
/// <see cref="InstanceFactsStage"/>) carries the keys the group checks group on and the instance's own
/// findings; a <c>record</c> (from a group check) carries the findings a group check has about one
/// instance. Both name the instance by <c>item</c>, its content hash, which the filter groups on.
/// </summary>
public static class CurationMetadata
{
    /// <summary>The property every curation item is grouped on by the filter.</summary>
    public const string Item = "item";

    public static JsonElement Instance(DicomFile file, string item, string studyKey, string pixels, bool localizer, IReadOnlyList<Finding> findings)
    {
        var ds = file.Dataset;
        string? Text(DicomTag tag) => ds.GetString(tag)?.Trim();
        JsonArray? Numbers(DicomTag tag, int count)
        {
            var values = Enumerable.Range(0, count).Select(i => ds.GetNumber(tag, i)).ToList();
            return values.All(v => v is { } d && double.IsFinite(d)) ? new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v!.Value)).ToArray()) : null;
        }
        string UidOr(DicomTag tag) => Text(tag) is { Length: > 0 } uid ? uid : "none:" + item;
        var o = new JsonObject
        {
            ["kind"] = "instance",
            [Item] = item,
            // An instance without a UID is grouped on its own, not with every other instance lacking it.
            ["sop"] = UidOr(DicomTags.SOPInstanceUID),
            ["series"] = UidOr(DicomTags.SeriesInstanceUID),
            ["study"] = UidOr(DicomTags.StudyInstanceUID),
            ["study_key"] = studyKey,
            ["pixels"] = pixels,
            ["instance_number"] = ds.GetInteger(DicomTags.InstanceNumber),
            ["position"] = Numbers(DicomTags.ImagePositionPatient, 3),
            ["orientation"] = Numbers(DicomTags.ImageOrientationPatient, 6),
            ["pixel_spacing"] = Numbers(DicomTags.PixelSpacing, 2),
            ["rows"] = ds.GetInteger(DicomTags.Rows),
            ["columns"] = ds.GetInteger(DicomTags.Columns),
            ["frames"] = ds.GetInteger(DicomTags.NumberOfFrames) ?? 1,
            ["acquisition"] = Text(DicomTags.AcquisitionNumber) ?? "",
            ["echo"] = Text(DicomTags.EchoNumbers) ?? "",
            ["localizer"] = localizer,
            ["findings"] = Findings(findings),
        };
        return JsonSerializer.SerializeToElement(o);
    }

    /// <summary>A group check's findings about one instance.</summary>
    public static JsonElement Record(string item, IReadOnlyList<Finding> findings) =>
        JsonSerializer.SerializeToElement(new JsonObject { ["kind"] = "record", [Item] = item, ["findings"] = Findings(findings) });

    /// <summary>True for an instance's facts (false for a record).</summary>
    public static bool IsInstance(JsonElement metadata) => metadata.TryGetProperty("kind", out var k) && k.GetString() == "instance";

    /// <summary>The item (content hash) a curation metadata object is about.</summary>
    public static string ItemOf(JsonElement metadata) => metadata.GetProperty(Item).GetString()!;

    /// <summary>The findings in a curation metadata object.</summary>
    public static List<Finding> FindingsOf(JsonElement metadata) =>
        metadata.TryGetProperty("findings", out var f) ? f.Deserialize<List<Finding>>() ?? [] : [];

    /// <summary>A string property, or "".</summary>
    public static string Text(JsonElement metadata, string name) =>
        metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>A number array property, or null.</summary>
    public static double[]? Numbers(JsonElement metadata, string name) =>
        metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;

    /// <summary>An integer property, or null.</summary>
    public static long? Integer(JsonElement metadata, string name) =>
        metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static JsonArray Findings(IReadOnlyList<Finding> findings) =>
        new(findings.Select(f =>
        {
        var o = new JsonObject { ["check"] = f.Check, ["reason"] = f.Reason };
            if (f.KeepsOneCopy) o["keeps_one_copy"] = true;
            return (JsonNode)o;
        }).ToArray());
}
