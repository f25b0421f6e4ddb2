using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataForge.Stages.Labels;

/// <summary>
/// A label file DataForge writes, <c>labels/ANNOTATION.json</c> (schemas/labels.schema.json): one
/// annotation's items, each naming what it labels by pseudonym and new UIDs only. Version 1.
/// Categorical items carry <c>value</c>; mask items the published <c>mask</c> path and the class ids
/// present (COCO masks: one item per image, its objects under <c>boxes</c>, the series' label volume as <c>mask</c>); landmark items their <c>points</c> in RAS+ millimetres and voxel indices.
/// </summary>
public sealed record LabelFile
{
    /// <summary>Format version.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = 1;

    /// <summary>The annotation's name in the manifest.</summary>
    [JsonPropertyName("annotation")] public required string Annotation { get; init; }

    /// <summary>categorical, mask or landmarks.</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>patient, study, series or image.</summary>
    [JsonPropertyName("level")] public required string Level { get; init; }

    /// <summary>The items, ordered by patient, study, series, image.</summary>
    [JsonPropertyName("items")] public required IReadOnlyList<LabelEntry> Items { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The file's bytes (UTF-8, indented, newline at the end).</summary>
    public byte[] ToBytes() => [.. JsonSerializer.SerializeToUtf8Bytes(this, Options), (byte)'\n'];

    /// <summary>Parses a label file.</summary>
    public static LabelFile Parse(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<LabelFile>(utf8, Options) ?? throw new JsonException("a label file is null");
}

/// <summary>One labelled item.</summary>
public sealed record LabelEntry
{
    [JsonPropertyName("patient")] public required string Patient { get; init; }
    [JsonPropertyName("study")] public string? Study { get; init; }
    [JsonPropertyName("series")] public string? Series { get; init; }
    [JsonPropertyName("image")] public string? Image { get; init; }
    /// <summary>The frame (from 1) of a multi-frame image that a per-image label names.</summary>
    [JsonPropertyName("frame")] public int? Frame { get; init; }
    /// <summary>The sub-series (SERIES_suffix) a per-series label lies on when the series was cut into several volumes (echoes, orientations...).</summary>
    [JsonPropertyName("volume")] public string? Volume { get; init; }
    [JsonPropertyName("value")] public string? Value { get; init; }
    [JsonPropertyName("mask")] public string? Mask { get; init; }
    [JsonPropertyName("classes")] public IReadOnlyList<int>? Classes { get; init; }
    [JsonPropertyName("points")] public IReadOnlyList<LabelPoint>? Points { get; init; }
    [JsonPropertyName("boxes")] public IReadOnlyList<LabelBox>? Boxes { get; init; }
}

/// <summary>A named landmark: RAS+ millimetres and the voxel index it falls in.</summary>
public sealed record LabelPoint(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("position")] IReadOnlyList<double> Position,
    [property: JsonPropertyName("voxel")] IReadOnlyList<double> Voxel);
