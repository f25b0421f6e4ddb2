using System.Text.Json.Serialization;

namespace DataForge.Stages.Labels;

/// <summary>
/// One box of a boxes annotation (schemas/labels.schema.json): the class (name and schema id), the box
/// [x, y, width, height] in pixels from the image's top-left corner, its area in pixels, COCO's
/// iscrowd, and the object's outline when the source gave one: polygons (x, y, x, y...) or a compressed
/// RLE over the whole image (<see cref="CocoRle"/>).
/// </summary>
public sealed record LabelBox
{
    [JsonPropertyName("class")] public required string Class { get; init; }
    [JsonPropertyName("class_id")] public required int ClassId { get; init; }
    [JsonPropertyName("bbox")] public required IReadOnlyList<double> Bbox { get; init; }
    [JsonPropertyName("area")] public required double Area { get; init; }
    [JsonPropertyName("iscrowd")] public int IsCrowd { get; init; }
    [JsonPropertyName("polygons")] public IReadOnlyList<IReadOnlyList<double>>? Polygons { get; init; }
    [JsonPropertyName("rle")] public LabelRle? Rle { get; init; }
}

/// <summary>A compressed COCO RLE: size [height, width] and the counts string.</summary>
public sealed record LabelRle(
    [property: JsonPropertyName("size")] IReadOnlyList<int> Size,
    [property: JsonPropertyName("counts")] string Counts);
