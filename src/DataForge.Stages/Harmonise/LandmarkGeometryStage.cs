using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Stages.Labels;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Reduce stage <c>labels.ANNOTATION.harmonised</c>: one landmark annotation's points on the grid of the harmonised
/// volumes. Reorient, resample and crop_or_pad keep every voxel's world position, so a landmark's RAS+ position is
/// unchanged; its voxel index is recomputed from the final volume's affine (the item's sub-series volume when it names
/// one: <see cref="LabelEntry.Volume"/>). A point that falls outside the final
/// grid (cropped away) is dropped and listed in the report by its series and its declared name (or its number in
/// the item, for a name the manifest does not declare: a label file's text is never quoted). Publishes
/// <c>labels/ANNOTATION.harmonised.json</c> (the label file format, schemas/labels.schema.json) and
/// <c>labels/ANNOTATION.harmonised.report.json</c>; the labels stage's own file keeps the acquired grid's indices.
/// </summary>
public sealed class LandmarkGeometryStage : IStage
{
    /// <summary>Bump when the output of the same inputs changes.</summary>
    public const int Version = 2;

    private readonly string _annotation;
    private readonly IReadOnlyList<string> _declared;

    /// <param name="annotation">The landmark annotation's name.</param>
    /// <param name="labels">Its labels stage.</param>
    /// <param name="volumes">The stage holding the final harmonised volumes.</param>
    /// <param name="declared">The point names the manifest declares.</param>
    public LandmarkGeometryStage(string annotation, string labels, string volumes, IReadOnlyList<string> declared)
    {
        _annotation = annotation;
        _declared = declared;
        var config = CanonicalJson.FromObject(new Dictionary<string, object> { ["annotation"] = annotation, ["points"] = declared });
        Definition = new StageDefinition($"labels.{annotation}.harmonised", Version, StageShape.Reduce, [labels, volumes], config) { Publish = true };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        LabelFile? file = null;
        var grids = new Dictionary<string, ImageGeometry>(StringComparer.Ordinal);
        foreach (var item in input.Items)
        {
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object || m.TryGetProperty("sidecar", out _)) continue;
            if (m.TryGetProperty("label_file", out var name) && name.GetString() == _annotation)
            {
                try { file = LabelFile.Parse(item.ReadAllBytes()); }
                catch (JsonException) { return StageResult.Failed($"the label file of '{_annotation}' is not valid JSON; rebuild"); }
            }
            else if (m.TryGetProperty("affine", out var affine) && m.TryGetProperty("volume_id", out var id) && m.TryGetProperty("series_instance_uid", out var s))
                grids[id.GetString()!] = new ImageGeometry(m.GetProperty("pseudonym").GetString()!, s.GetString()!, "",
                    m.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                    Affine.FromRows(affine.EnumerateArray().Select(d => d.GetDouble()).ToArray()));
        }
        if (file is null) return StageResult.Success();

        var items = new List<LabelEntry>();
        var dropped = new List<(string Item, string Point, string Reason)>();
        foreach (var entry in file.Items)
        {
            // A label on a sub-series names its volume (SERIES_suffix), whose volume id is PSEUDONYM/SERIES_suffix.
            var where = $"{entry.Patient}/{entry.Volume ?? entry.Series}";
            if (entry.Series is null || !grids.TryGetValue(where, out var grid))
            {
                foreach (var (p, n) in (entry.Points ?? []).Select((p, n) => (p, n)))
                    dropped.Add((where, PointName(p, n), "the series has no harmonised volume"));
                continue;
            }
            var points = new List<LabelPoint>();
            foreach (var (p, n) in (entry.Points ?? []).Select((p, n) => (p, n)))
            {
                var v = grid.VoxelOf(p.Position[0], p.Position[1], p.Position[2]);
                if (!grid.Contains(v)) { dropped.Add((where, PointName(p, n), "outside the harmonised volume")); continue; }
                points.Add(p with { Voxel = [Math.Round(v.I, 3), Math.Round(v.J, 3), Math.Round(v.K, 3)] });
            }
            items.Add(entry with { Points = points });
        }
        var harmonised = file with { Items = items };
        return StageResult.Success(
            new StageOutput($"labels/{_annotation}.harmonised.json", harmonised.ToBytes(),
                JsonSerializer.SerializeToElement(new { label_file_harmonised = _annotation, kind = "landmarks" })),
            new StageOutput($"labels/{_annotation}.harmonised.report.json", Report(items.Sum(i => i.Points!.Count), dropped),
                JsonSerializer.SerializeToElement(new { label_report_harmonised = _annotation })));
    }

    private string PointName(LabelPoint point, int index) =>
        _declared.Contains(point.Name) ? point.Name : $"point {index + 1}";

    private byte[] Report(int kept, List<(string Item, string Point, string Reason)> dropped)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("annotation", _annotation);
            json.WriteNumber("kept", kept);
            json.WriteStartArray("dropped");
            foreach (var (item, point, reason) in dropped.OrderBy(d => d.Item, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("item", item);
                json.WriteString("point", point);
                json.WriteString("reason", reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
