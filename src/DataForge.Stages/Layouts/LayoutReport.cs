using System.Text.Json;

namespace DataForge.Stages.Layouts;

/// <summary>
/// <c>layout.report.json</c>, beside dataset.json (nnunet) or datalist.json (monai): what the layout did with cases that
/// are not plain, so that nothing leaves the dataset silently. Version 1. Members: <c>layout</c>; <c>annotations</c>, the
/// mask annotations merged into each label map, in painting order; <c>cases</c>; <c>lists</c>, cases per list (nnunet:
/// training and test; monai: its datalist's lists); <c>unlabelled</c>, cases outside the test split without any mask
/// (not training cases); <c>excluded</c>, cases lacking the mask of a required annotation whose <c>on_fail</c> is
/// exclude (not labelled); <c>partial</c>, cases labelled with the masks they have while others are missing
/// (annotation not required, or on_fail warn) (nnunet: neither lists test cases, which carry no label there);
/// <c>overlaps</c>, voxels claimed by two or more masks, per case whose label map is written;
/// <c>dropped_test_cases</c> (nnunet), test cases of another modality than the channel's, with their modality. Cases
/// are named by their layout names (pseudonym and number) only; nothing here holds a voxel value.
/// </summary>
public sealed class LayoutReport
{
    /// <summary>The report's path in the output folder.</summary>
    public const string Path = "layout.report.json";

    private readonly string _layout;
    private readonly IReadOnlyList<string> _annotations;
    private readonly List<(string Name, int Count)> _lists = [];
    private readonly List<string> _unlabelled = [];
    private readonly List<(string Case, string Split, IReadOnlyList<string> Missing)> _excluded = [];
    private readonly List<(string Case, string Split, IReadOnlyList<string> With, IReadOnlyList<string> Missing)> _partial = [];
    private readonly List<(string Case, long Voxels)> _overlaps = [];
    private readonly List<(string Case, string Modality)> _dropped = [];

    /// <param name="layout">nnunet or monai.</param>
    /// <param name="annotations">The mask annotations, in painting (manifest) order.</param>
    public LayoutReport(string layout, IReadOnlyList<string> annotations)
    {
        _layout = layout;
        _annotations = annotations;
    }

    /// <summary>The number of cases (volumes) the layout considered.</summary>
    public int Cases { get; set; }

    /// <summary>Records the number of cases of a list (training, test...), in the order the layout writes them.</summary>
    public void List(string name, int count) => _lists.Add((name, count));

    /// <summary>A case outside the test split with no mask: not a training case.</summary>
    public void Unlabelled(string id) => _unlabelled.Add(id);

    /// <summary>A case lacking a required annotation's mask (on_fail exclude): not a training case.</summary>
    public void Excluded(TrainingCase c, IReadOnlyList<string> missing) => _excluded.Add((c.Id, c.Split, missing));

    /// <summary>A case labelled with some masks while others are missing.</summary>
    public void Partial(TrainingCase c, IReadOnlyList<string> missing) =>
        _partial.Add((c.Id, c.Split, c.Masks.Select(m => m.Annotation).ToList(), missing));

    /// <summary>A case whose masks overlap.</summary>
    public void Overlap(string id, long voxels)
    {
        if (voxels > 0) _overlaps.Add((id, voxels));
    }

    /// <summary>A test case left out because its modality is not the channel's.</summary>
    public void Dropped(TrainingCase c) => _dropped.Add((c.Id, c.Modality));

    /// <summary>The test cases left out for their modality (case, modality).</summary>
    public IReadOnlyList<(string Case, string Modality)> DroppedTestCases => _dropped;

    /// <summary>The cases whose masks overlap (case, voxels).</summary>
    public IReadOnlyList<(string Case, long Voxels)> Overlaps => _overlaps;

    /// <summary>The report's bytes (UTF-8, indented, final newline); lists in case order.</summary>
    public byte[] ToBytes()
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("layout", _layout);
            json.WriteStartArray("annotations");
            foreach (var a in _annotations) json.WriteStringValue(a);
            json.WriteEndArray();
            json.WriteNumber("cases", Cases);
            json.WriteStartObject("lists");
            foreach (var (name, count) in _lists) json.WriteNumber(name, count);
            json.WriteEndObject();
            json.WriteStartArray("unlabelled");
            foreach (var id in _unlabelled.Order(StringComparer.Ordinal)) json.WriteStringValue(id);
            json.WriteEndArray();
            json.WriteStartArray("excluded");
            foreach (var (id, split, missing) in _excluded.OrderBy(e => e.Case, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("case", id);
                json.WriteString("split", split);
                Strings(json, "missing", missing);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("partial");
            foreach (var (id, split, with, missing) in _partial.OrderBy(e => e.Case, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("case", id);
                json.WriteString("split", split);
                Strings(json, "labelled_with", with);
                Strings(json, "missing", missing);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("overlaps");
            foreach (var (id, voxels) in _overlaps.OrderBy(e => e.Case, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("case", id);
                json.WriteNumber("voxels", voxels);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (_layout == "nnunet")
            {
                json.WriteStartArray("dropped_test_cases");
                foreach (var (id, modality) in _dropped.OrderBy(e => e.Case, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("case", id);
                    json.WriteString("modality", modality);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
