using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Release.Changes;

namespace DataForge.Release;

/// <summary>A value that differs between two releases (canonical JSON text; null when absent on that side).</summary>
public sealed record ValueChange(string Path, string? Before, string? After);

/// <summary>A geometry attribute of a series that differs, with how many of its files show it.</summary>
public sealed record GeometryChange(string Series, string Attribute, string? Before, string? After, int Files);

/// <summary>A patient whose split membership differs.</summary>
public sealed record SplitMove(string Patient, string Before, string After);

/// <summary>
/// What changed from release A to release B. Files are paired by path, then, for files whose path
/// changed (new UIDs after a policy change), by the stage and input contents that made them, so a
/// file made from the same input counts as changed, not as removed and added. Semantic parts come
/// from the items: patients, series, per-attribute changes, geometry per series, label counts, split
/// moves (a patient moving between train and test is a warning), and policy changes. With the
/// files' bytes at hand (the project's store), each changed file is explained from its content
/// (<see cref="ContentDiff"/>): which DICOM attributes, NIfTI header fields or voxels, PNG pixels or
/// JSON members differ, by name and never by value.
/// </summary>
public sealed record ReleaseDiff
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required IReadOnlyList<string> Added { get; init; }
    public required IReadOnlyList<string> Removed { get; init; }

    /// <summary>Pairs of paths (A, B) whose content differs (same path, or made from the same inputs).</summary>
    public required IReadOnlyList<(string Before, string After)> Changed { get; init; }
    public required int Unchanged { get; init; }
    public required IReadOnlyList<string> PatientsAdded { get; init; }
    public required IReadOnlyList<string> PatientsRemoved { get; init; }
    public required IReadOnlyList<string> SeriesAdded { get; init; }
    public required IReadOnlyList<string> SeriesRemoved { get; init; }

    /// <summary>
    /// Attribute -> number of changed files in which it differs: item facts by dotted path (<c>geometry.spacing</c>)
    /// and, when the files were read, DICOM attributes by keyword (<c>PatientSex</c>).
    /// </summary>
    public required IReadOnlyDictionary<string, int> AttributeChanges { get; init; }

    /// <summary>For each entry of <see cref="Changed"/>, in its order, what differs inside the file; null when its bytes were not at hand.</summary>
    public required IReadOnlyList<IReadOnlyList<ContentChange>?> Reasons { get; init; }

    /// <summary>Each distinct content change with the number of changed files that show it (and the policy keys that concern it).</summary>
    public required IReadOnlyList<ContentChangeCount> ContentChanges { get; init; }

    /// <summary>Changed files that could not be explained: their bytes are not in the store the diff read.</summary>
    public int Unexplained => Reasons.Count(r => r is null);
    public required IReadOnlyList<GeometryChange> GeometryChanges { get; init; }
    public required IReadOnlyDictionary<string, int> LabelsBefore { get; init; }
    public required IReadOnlyDictionary<string, int> LabelsAfter { get; init; }
    public required IReadOnlyList<SplitMove> SplitMoves { get; init; }
    public required IReadOnlyList<ValueChange> PolicyChanges { get; init; }
    public required IReadOnlyList<ValueChange> ToolChanges { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }

    public bool Identical => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0 && PolicyChanges.Count == 0;

    private static readonly HashSet<string> SeriesGeometry = new(StringComparer.Ordinal)
    {
        "rows", "columns", "number_of_frames", "pixel_spacing", "slice_thickness", "image_orientation_patient", "shape", "spacing", "affine",
    };

    /// <summary>Compares release <paramref name="a"/> with <paramref name="b"/>.</summary>
    /// <param name="fromName">The name A is shown by (version, tag or HEAD).</param>
    /// <param name="a">The earlier release's manifest.</param>
    /// <param name="toName">The name B is shown by.</param>
    /// <param name="b">The later release's manifest.</param>
    /// <param name="readObject">The bytes of a file by its SHA-256, or null when not at hand (<see cref="ReleaseObjects"/>); without it no change is explained from content.</param>
    public static ReleaseDiff Compare(string fromName, ReleaseManifest a, string toName, ReleaseManifest b, Func<string, byte[]?>? readObject = null)
    {
        var before = a.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var after = b.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var pairs = new List<(ReleaseFile A, ReleaseFile B)>();
        var unchanged = 0;
        foreach (var f in a.Files)
            if (after.TryGetValue(f.Path, out var g))
            {
                if (f.Sha256 == g.Sha256) unchanged++;
                else pairs.Add((f, g));
            }
        // Files whose path changed: pair them by what made them when that is unambiguous on both sides.
        var onlyA = a.Files.Where(f => !after.ContainsKey(f.Path)).ToList();
        var onlyB = b.Files.Where(f => !before.ContainsKey(f.Path)).ToList();
        var originA = Unique(onlyA);
        var originB = Unique(onlyB);
        var paired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (origin, f) in originA)
            if (originB.TryGetValue(origin, out var g))
            {
                pairs.Add((f, g));
                paired.Add("a:" + f.Path);
                paired.Add("b:" + g.Path);
            }
        var added = onlyB.Where(f => !paired.Contains("b:" + f.Path)).Select(f => f.Path).ToList();
        var removed = onlyA.Where(f => !paired.Contains("a:" + f.Path)).Select(f => f.Path).ToList();
        pairs.Sort((x, y) => string.CompareOrdinal(x.B.Path, y.B.Path));

        var attributes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var geometry = new SortedDictionary<(string Series, string Attribute), GeometryChange>();
        foreach (var (fa, fb) in pairs)
        {
            var va = Flatten(fa.Item);
            var vb = Flatten(fb.Item);
            foreach (var key in va.Keys.Union(vb.Keys).Order(StringComparer.Ordinal))
            {
                var x = va.GetValueOrDefault(key);
                var y = vb.GetValueOrDefault(key);
                if (x == y) continue;
                attributes[key] = attributes.GetValueOrDefault(key) + 1;
                if (!key.StartsWith("geometry.", StringComparison.Ordinal) || !SeriesGeometry.Contains(key["geometry.".Length..])) continue;
                var series = fb.Series ?? fa.Series ?? "(no series)";
                var id = (series, key["geometry.".Length..]);
                geometry[id] = geometry.TryGetValue(id, out var seen) ? seen with { Files = seen.Files + 1 } : new GeometryChange(series, id.Item2, x, y, 1);
            }
        }

        var reasons = readObject is null ? pairs.Select(_ => (IReadOnlyList<ContentChange>?)null).ToList() : ContentDiff.ExplainAll(pairs, readObject);
        foreach (var explained in reasons)
            foreach (var subject in (explained ?? []).Where(c => c.Kind == ContentChangeKinds.Dicom).Select(c => c.Subject).Distinct(StringComparer.Ordinal))
                attributes[subject] = attributes.GetValueOrDefault(subject) + 1;
        var policy = Changes(FlattenPolicy(a.Policy), FlattenPolicy(b.Policy));

        var splitsA = Splits(a);
        var splitsB = Splits(b);
        var moves = new List<SplitMove>();
        var warnings = new List<string>();
        foreach (var (patient, s) in splitsA)
            if (splitsB.TryGetValue(patient, out var t) && s != t)
            {
                moves.Add(new SplitMove(patient, s, t));
                if (IsTrainTest(s, t))
                    warnings.Add($"patient {patient} moved from {s} to {t}: a model trained on {fromName} has seen test data of {toName} (or the reverse)");
            }

        var tools = new List<ValueChange>();
        if (a.ToolVersion != b.ToolVersion) tools.Add(new ValueChange("tool_version", a.ToolVersion, b.ToolVersion));
        if (a.ManifestSha256 != b.ManifestSha256) tools.Add(new ValueChange("manifest_sha256", a.ManifestSha256, b.ManifestSha256));

        return new ReleaseDiff
        {
            From = fromName,
            To = toName,
            Added = added,
            Removed = removed,
            Changed = pairs.Select(p => (p.A.Path, p.B.Path)).ToList(),
            Unchanged = unchanged,
            PatientsAdded = SetDifference(b, a, f => f.Patient),
            PatientsRemoved = SetDifference(a, b, f => f.Patient),
            SeriesAdded = SetDifference(b, a, f => f.Series),
            SeriesRemoved = SetDifference(a, b, f => f.Series),
            AttributeChanges = attributes,
            Reasons = reasons,
            ContentChanges = ContentDiff.Count(reasons, policy),
            GeometryChanges = geometry.Values.ToList(),
            LabelsBefore = Labels(a),
            LabelsAfter = Labels(b),
            SplitMoves = moves,
            PolicyChanges = policy,
            ToolChanges = tools,
            Warnings = warnings,
        };
    }

    private static Dictionary<string, ReleaseFile> Unique(List<ReleaseFile> files)
    {
        var byOrigin = files.Where(f => f.Provenance.Inputs.Count > 0)
            .GroupBy(f => $"{f.Provenance.Stage}|{f.Kind}|{string.Join(",", f.Provenance.Inputs)}", StringComparer.Ordinal);
        return byOrigin.Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);
    }

    private static List<string> SetDifference(ReleaseManifest x, ReleaseManifest y, Func<ReleaseFile, string?> key)
    {
        var other = y.Files.Select(key).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return x.Files.Select(key).OfType<string>().Distinct(StringComparer.Ordinal).Where(k => !other.Contains(k)).Order(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<ValueChange> Changes(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => new ValueChange(k, a.GetValueOrDefault(k), b.GetValueOrDefault(k)))
            .ToList();

    /// <summary>Leaves of a JSON object by dotted path (arrays are leaves), as canonical JSON text.</summary>
    private static Dictionary<string, string> Flatten(JsonObject root)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(string prefix, JsonNode? node)
        {
            if (node is JsonObject o && o.Count > 0)
                foreach (var (name, value) in o) Walk(prefix.Length == 0 ? name : $"{prefix}.{name}", value);
            else leaves[prefix] = ReleaseManifestJson.Canonical(node);
        }
        foreach (var (name, value) in root) Walk(name, value);
        return leaves;
    }

    /// <summary>
    /// Leaves of the policy by dotted path, as <see cref="Flatten"/>, but an array of objects that each carry a
    /// distinct <c>tag</c>, <c>name</c> or <c>id</c> gives one leaf per element by that key (<c>deidentify.overrides[PatientSex]</c>),
    /// so the diff names the override, annotation or class that changed rather than the whole list.
    /// </summary>
    private static Dictionary<string, string> FlattenPolicy(JsonObject root)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(string prefix, JsonNode? node)
        {
            if (node is JsonObject o && o.Count > 0)
                foreach (var (name, value) in o) Walk(prefix.Length == 0 ? name : $"{prefix}.{name}", value);
            else if (node is JsonArray array && KeyOf(array) is { } key)
                foreach (var element in array.OfType<JsonObject>())
                {
                    // One leaf per element, its members but the key: an override added shows as (absent) -> {"action":"keep"}.
                    var rest = new JsonObject();
                    foreach (var (name, value) in element)
                        if (name != key) rest[name] = value?.DeepClone();
                    leaves[$"{prefix}[{Scalar(element[key])}]"] = ReleaseManifestJson.Canonical(rest);
                }
            else leaves[prefix] = ReleaseManifestJson.Canonical(node);
        }
        foreach (var (name, value) in root) Walk(name, value);
        return leaves;
    }

    private static string? KeyOf(JsonArray array)
    {
        if (array.Count == 0 || array.Any(e => e is not JsonObject)) return null;
        foreach (var key in new[] { "tag", "name", "id" })
        {
            var values = array.Select(e => Scalar(e![key])).ToList();
            if (values.All(v => v is not null) && values.Distinct(StringComparer.Ordinal).Count() == values.Count) return key;
        }
        return null;
    }

    private static SortedDictionary<string, int> Labels(ReleaseManifest m)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in m.Files)
        {
            IEnumerable<string> names = f.Item["labels"] switch
            {
                JsonArray array => array.Select(Scalar).OfType<string>(),
                JsonObject obj => obj.Select(p => p.Key),
                JsonValue value when Scalar(value) is { } one => [one],
                _ => [],
            };
            foreach (var name in names) counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        return counts;
    }

    private static string? Scalar(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        }
        : null;

    /// <summary>Each patient's split(s), joined when a patient has files in more than one.</summary>
    private static Dictionary<string, string> Splits(ReleaseManifest m) =>
        m.Files.Where(f => f.Patient is not null && ReleaseItem.Text(f.Item, "split") is not null)
            .GroupBy(f => f.Patient!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join("+", g.Select(f => ReleaseItem.Text(f.Item, "split")!).Distinct().Order(StringComparer.Ordinal)), StringComparer.Ordinal);

    private static bool IsTrainTest(string before, string after)
    {
        static bool Has(string s, string name) => s.Split('+').Contains(name, StringComparer.OrdinalIgnoreCase);
        return (Has(before, "train") && Has(after, "test")) || (Has(before, "test") && Has(after, "train"));
    }
}
