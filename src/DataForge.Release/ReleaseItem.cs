using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Release;

/// <summary>
/// The reviewer-facing facts of an output, taken from its stage metadata by an allow-list: the
/// pseudonymised patient, de-identified study/series/instance UIDs, modality, manufacturer and model, sex, age band,
/// study year, body part (as the policy kept them), geometry,
/// a few technical header facts, lossy compression, labels and split. Any other metadata member is left out (the
/// release cannot vouch that it is free of identifiers). Null members are dropped.
/// </summary>
public static class ReleaseItem
{
    private static readonly (string From, string To)[] Identity =
    [
        ("pseudonym", "patient"), ("study_instance_uid", "study"), ("series_instance_uid", "series"),
        ("sop_instance_uid", "instance"), ("modality", "modality"), ("manufacturer", "manufacturer"),
        ("labels", "labels"), ("split", "split"),
        // What the card tabulates, as the policy kept it in the de-identified instance (an age band and a year, never a date).
        ("patient_sex", "sex"), ("age_band", "age_band"), ("study_year", "study_year"), ("manufacturer_model", "model"), ("body_part", "body_part"),
        // Lossy Image Compression facts (counts, method terms, ratios, syntax UIDs): what a reviewer must know of pixels
        // that are not the modality's own.
        ("lossy_compression", "lossy_compression"),
    ];

    /// <summary>Spatial facts of a DICOM instance (header) or a volume (volume stage).</summary>
    public static IReadOnlyList<string> GeometryFields { get; } =
    [
        "rows", "columns", "number_of_frames", "pixel_spacing", "slice_thickness", "image_orientation_patient",
        "image_position_patient", "shape", "spacing", "affine", "slices", "voxel_type",
    ];

    private static readonly string[] HeaderFields = ["sop_class_uid", "transfer_syntax_uid", "frame_of_reference_uid", "bits_allocated", "instance_number"];

    /// <summary>The item of an output from its metadata JSON (an object; anything else gives an empty item).</summary>
    public static JsonObject FromMetadata(string metadataJson)
    {
        var item = new JsonObject();
        if (JsonNode.Parse(metadataJson) is not JsonObject metadata) return item;
        foreach (var (from, to) in Identity)
            if (Present(metadata, from) is { } value) item[to] = value;
        var geometry = Group(metadata, GeometryFields);
        if (geometry.Count > 0) item["geometry"] = geometry;
        var header = Group(metadata, HeaderFields);
        if (header.Count > 0) item["header"] = header;
        return item;
    }

    /// <summary>A string member, or null.</summary>
    public static string? Text(JsonObject item, string name) =>
        item[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonObject Group(JsonObject metadata, IEnumerable<string> fields)
    {
        var group = new JsonObject();
        foreach (var field in fields)
            if (Present(metadata, field) is { } value) group[field] = value;
        return group;
    }

    private static JsonNode? Present(JsonObject metadata, string name) =>
        metadata[name] is { } node && node.GetValueKind() != JsonValueKind.Null ? node.DeepClone() : null;
}
