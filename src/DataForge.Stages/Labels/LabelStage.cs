using System.Globalization;
using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Labels;

/// <summary>
/// Reduce stage <c>labels.ANNOTATION</c>: one annotation's label source read in the private zone,
/// each label carried to the pseudonym / new UID of what it names (<see cref="Identifiers"/>), checked
/// against the label schema and the image volumes, and published as <c>labels/ANNOTATION.json</c>
/// (schemas/labels.schema.json), masks as <c>labels/ANNOTATION/PSEUDONYM/SERIES.nii.gz</c>, and the
/// violations as <c>labels/ANNOTATION.report.json</c>. Per the annotation's <c>on_fail</c>: warn
/// publishes a failing label and reports it, exclude reports it only, error fails the stage.
/// Its inputs: the labels source, the deidentify stage, and the volume stage for masks and landmarks.
/// </summary>
public sealed class LabelStage : IStage
{
    /// <summary>Bump when the output of the same inputs and config changes.</summary>
    /// <remarks>6: patients are found by the policy's pseudonym format (not only its prefix); a label source none of whose labels links fails.</remarks>
    public const int Version = 6;

    private readonly Annotation _a;
    private readonly KeyedIdentity _keys;
    private readonly IReadOnlyList<string> _imageSources;
    private readonly LabelPseudonyms _pseudonyms;

    /// <summary>The stage id of an annotation.</summary>
    public static string IdFor(string annotation) => "labels." + annotation;

    /// <summary>
    /// The stage of one annotation; <paramref name="publish"/> is false when a training layout publishes the masks
    /// (<see cref="LabelFilesStage"/> then publishes the label file and report).
    /// </summary>
    public LabelStage(Annotation annotation, IReadOnlyList<string> inputs, JsonElement config, byte[] secret, LabelPseudonyms pseudonyms, bool publish = true,
        IReadOnlyList<string>? imageSources = null)
    {
        _a = annotation;
        // The manifest's image sources: COCO images may name their files by path (Identifiers.ResolveImageFile).
        _imageSources = imageSources ?? [];
        _keys = new KeyedIdentity(secret);
        _pseudonyms = pseudonyms;
        // The pseudonym format (and a {seq:N} format's numbers) decide which patient a label lands on: a new format reruns the stage.
        var settings = new Dictionary<string, object>
        {
            ["labels"] = config,
            ["pseudonyms"] = pseudonyms.Settings(),
            ["secret_fingerprint"] = _keys.Fingerprint,
        };
        // Image sources whose files COCO images may name (only when there are some: other projects keep their keys).
        if (_imageSources.Count > 0) settings["image_sources"] = _imageSources;
        var key = CanonicalJson.Parse(JsonSerializer.Serialize(settings));
        Definition = new StageDefinition(IdFor(annotation.Name), Version, StageShape.Reduce, inputs, key)
        {
            Publish = publish,
            ReadsInputPaths = true,
            // The volumes only: a published volume's BIDS sidecar (nifti/*.json) is not a label input.
            InputPaths = inputs.Contains(VolumeStage.Id) ? new Dictionary<string, IReadOnlyList<string>> { [VolumeStage.Id] = ["**/*.nii", "**/*.nii.gz"] } : null,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var ids = new Identifiers(_keys, _pseudonyms) { ImageSources = _imageSources };
        var volumes = new Dictionary<string, ImageGeometry>(StringComparer.Ordinal);
        var files = new List<StageItem>();
        var instances = new Dictionary<string, StageItem>(StringComparer.Ordinal);
        foreach (var item in input.Items)
        {
            var m = item.Metadata;
            if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("affine", out var affine) && m.TryGetProperty("series_instance_uid", out var s))
                volumes[s.GetString()!] = new ImageGeometry(m.GetProperty("pseudonym").GetString()!, s.GetString()!, item.Path ?? "",
                    m.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                    Affine.FromRows(affine.EnumerateArray().Select(d => d.GetDouble()).ToArray()));
            else if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("pseudonym", out _))
            {
                ids.Add(m);
                if (m.TryGetProperty("sop_instance_uid", out var sop) && sop.ValueKind == JsonValueKind.String) instances.TryAdd(sop.GetString()!, item);
            }
            else files.Add(item);
        }

        var violations = new List<LabelViolation>();
        var entries = new List<(LabelEntry Entry, Place Place)>();
        var outputs = new List<StageOutput>();
        SubSeriesVolumes.Index(volumes, input.Items);
        try
        {
            switch (_a.Kind)
            {
                case "categorical": Categorical(files, ids, entries, violations); break;
                case "mask" when _a.Format == "coco":
                    CocoMasks.Import(_a, files, ids, BoxImport.Sizes(input.Items), Definition.Inputs.Contains(VolumeStage.Id) ? volumes : null, instances,
                        entries, violations, outputs, cancellationToken);
                    break;
                case "mask": Masks(files, ids, volumes, entries, violations, outputs, cancellationToken); break;
                case "landmarks": Landmarks(files, ids, volumes, entries, violations); break;
                case "boxes": BoxImport.Read(_a, files, ids, BoxImport.Sizes(input.Items), entries, violations); break;
                default: return StageResult.Failed($"{_a.Kind} annotations are not supported yet (supported: categorical, mask, landmarks, boxes)");
            }
        }
        catch (FormatException e)
        {
            return StageResult.Failed(e.Message);
        }
        if (_a.Required)
        {
            // A frame of a multi-frame image labels its image.
            var labelled = entries.Select(e => (e.Place with { Frame = null }).Key).ToHashSet(StringComparer.Ordinal);
            var expected = _a.Kind is "categorical" or "boxes" || _a.Level == "image" ? ids.All(_a.Level).Select(p => (p.Key, p))
                : volumes.Values.Select(v => (v.Series, new Place(v.Patient, null, v.Series, null)));
            foreach (var (key, place) in expected.OrderBy(x => x.Item1, StringComparer.Ordinal))
                if (!labelled.Contains(key)) violations.Add(new LabelViolation(Name(place), "required", "no label for this item", null));
        }
        if (Unlinked(entries.Count, violations) is { } nothing) return StageResult.Failed(nothing);
        if (_a.OnFail == "error" && violations.Count > 0)
        {
            var f = violations.OrderBy(v => v.Item, StringComparer.Ordinal).First();
            return StageResult.Failed($"{violations.Count} labels fail their checks (on_fail: error); first: {f.Item}: {f.Check}: {f.Message}");
        }

        var failing = violations.Where(v => v.Place is not null).Select(v => v.Place!.Key).ToHashSet(StringComparer.Ordinal);
        var kept = entries.Where(e => _a.OnFail == "warn" || !failing.Contains(e.Place.Key))
            .OrderBy(e => e.Place.Patient, StringComparer.Ordinal).ThenBy(e => e.Place.Key, StringComparer.Ordinal)
            .ToList();
        var keptMasks = kept.Select(e => e.Entry.Mask).OfType<string>().ToHashSet(StringComparer.Ordinal);
        outputs.RemoveAll(o => !keptMasks.Contains(o.Path));
        var file = new LabelFile { Annotation = _a.Name, Kind = _a.Kind, Level = _a.Level, Items = kept.Select(e => e.Entry).ToList() };
        outputs.Add(new StageOutput($"labels/{_a.Name}.json", file.ToBytes(), Json(new { label_file = _a.Name, kind = _a.Kind })));
        outputs.Add(new StageOutput($"labels/{_a.Name}.report.json", LabelReport.Write(_a, kept.Count, violations), Json(new { label_report = _a.Name })));
        return StageResult.Success(outputs);
    }

    private void Categorical(List<StageItem> files, Identifiers ids, List<(LabelEntry, Place)> entries, List<LabelViolation> violations)
    {
        var values = new Dictionary<string, (string Value, Place Place, string Where)>(StringComparer.Ordinal);
        foreach (var item in files)
        {
            var table = Table(item);
            var column = table.Columns.Contains(_a.Name) ? _a.Name
                : table.Columns.Contains(LabelTable.ValueColumn) ? LabelTable.ValueColumn
                : table.Columns.Where(c => c != _a.Key && c != "IssuerOfPatientID").ToList() is [var only] ? only
                : throw new FormatException($"{item.Hash.Short}: no column named '{_a.Name}' or 'value' holds the labels");
            if (!table.Columns.Contains(_a.Key)) throw new FormatException($"{item.Hash.Short}: no key column '{_a.Key}'");
            foreach (var row in table.Rows)
            {
                var where = $"{item.Hash.Short}#row{row.Number.ToString(CultureInfo.InvariantCulture)}";
                var place = Link(row.Fields.GetValueOrDefault(_a.Key, ""), row.Fields.GetValueOrDefault("IssuerOfPatientID"), ids, where, violations);
                if (place is null) continue;
                var value = row.Fields.GetValueOrDefault(column, "").Trim();
                if (value.Length == 0) { violations.Add(new LabelViolation(Name(place), "value", "the label is empty", place)); continue; }
                if (_a.Values is { } allowed && !allowed.Contains(value))
                    violations.Add(new LabelViolation(Name(place), "value", $"a value that is not one of the annotation's values ({where})", place));
                if (values.TryGetValue(place.Key, out var first))
                {
                    if (first.Value != value) violations.Add(new LabelViolation(Name(place), "conflict", $"labelled differently in {first.Where} and {where}", place));
                    continue;
                }
                values[place.Key] = (value, place, where);
            }
        }
        foreach (var (_, (value, place, _)) in values)
            entries.Add((new LabelEntry { Patient = place.Patient, Study = place.Study, Series = place.Series, Image = place.Image, Value = value }, place));
    }

    private void Masks(List<StageItem> files, Identifiers ids, Dictionary<string, ImageGeometry> volumes,
        List<(LabelEntry, Place)> entries, List<LabelViolation> violations, List<StageOutput> outputs, CancellationToken cancellationToken)
    {
        if (_a.Level != "series") throw new FormatException("masks are labelled per series (level: series)");
        if (_a.Format == "dicom-seg")
        {
            SegMasks.Import(_a, files, ids, volumes, entries, violations, outputs, cancellationToken);
            return;
        }
        // A CSV in the source maps mask file names to identifiers; otherwise the file name is the identifier.
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var csv in files.Where(f => f.Path!.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)))
        {
            var table = Table(csv);
            if (!table.Columns.Contains("file") || !table.Columns.Contains(_a.Key))
                throw new FormatException($"{csv.Hash.Short}: a mask mapping table needs the columns 'file' and '{_a.Key}'");
            foreach (var row in table.Rows) mapping[row.Fields["file"].Trim()] = row.Fields[_a.Key];
        }
        foreach (var item in files.Where(f => IsNifti(f.Path!)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var where = item.Hash.Short;
            var name = Path.GetFileName(item.Path!);
            var original = mapping.GetValueOrDefault(item.Path!) ?? mapping.GetValueOrDefault(name) ?? StripNifti(name);
            // An image of a NIfTI source is named by its source-relative path without suffix: a mask tree that
            // mirrors the image tree (BIDS derivatives) names it by the mask's own relative path.
            if (!mapping.ContainsKey(item.Path!) && !mapping.ContainsKey(name) && ids.Resolve(_a.Level, original, null) is null
                && ids.Resolve(_a.Level, StripNifti(item.Path!), null) is not null)
                original = StripNifti(item.Path!);
            var place = Link(original, null, ids, where, violations);
            if (place is null) continue;
            if (!volumes.TryGetValue(place.Series!, out var image))
            {
                violations.Add(new LabelViolation(Name(place), "link", "the series has no image volume", null));
                continue;
            }
            Volume mask;
            try
            {
                using var stream = new MemoryStream(item.ReadAllBytes(), writable: false);
                mask = NiftiReader.Read(stream, where);
            }
            catch (Exception e) when (e is NiftiFormatException or ImagingException)
            {
                violations.Add(new LabelViolation(Name(place), "format", "not a readable NIfTI mask: " + e.Message, null));
                continue;
            }
            // A series cut into several volumes (echoes, orientations...): the mask goes on the one whose grid it is on.
            (image, var suffix) = SubSeriesVolumes.Choose(volumes, place.Series!, image, g => SubSeriesVolumes.OnGrid(mask, g));
            var (bytes, classes, problems) = MaskImport.Check(mask, image, _a.Classes);
            foreach (var (check, message) in problems) violations.Add(new LabelViolation(Name(place), check, message, place));
            if (bytes is null) continue;
            var path = $"labels/{_a.Name}/{place.Patient}/{place.Series}{suffix}.nii.gz";
            if (outputs.Any(o => o.Path == path))
            {
                violations.Add(new LabelViolation(Name(place), "conflict", "two masks name the same series", place));
                continue;
            }
            outputs.Add(new StageOutput(path, bytes, Json(new { label_mask = _a.Name, pseudonym = place.Patient, series_instance_uid = place.Series, image = image.Path,
                volume_id = SubSeriesVolumes.VolumeId(image, suffix) })));
            entries.Add((new LabelEntry { Patient = place.Patient, Study = place.Study, Series = place.Series, Mask = path, Classes = classes }, place));
        }
    }

    private void Landmarks(List<StageItem> files, Identifiers ids, Dictionary<string, ImageGeometry> volumes,
        List<(LabelEntry, Place)> entries, List<LabelViolation> violations)
    {
        if (_a.Level != "series") throw new FormatException("landmarks are labelled per series (level: series)");
        var points = new List<(LandmarkImport.RawPoint Point, string Where)>();
        foreach (var item in files)
        {
            if (_a.Format == "slicer-markups")
            {
                if (!item.Path!.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) continue;
                var key = StripSuffix(Path.GetFileName(item.Path!), ".mrk.json", ".json");
                points.AddRange(LandmarkImport.FromSlicer(item.ReadAllBytes(), key).Select(p => (p, $"{item.Hash.Short}#point{p.Row}")));
            }
            else
            {
                var table = Table(item);
                foreach (var c in new[] { _a.Key, "name", "x", "y", "z" })
                    if (!table.Columns.Contains(c)) throw new FormatException($"{item.Hash.Short}: a landmarks table needs the column '{c}'");
                points.AddRange(LandmarkImport.FromTable(table, _a.Key).Select(p => (p, $"{item.Hash.Short}#row{p.Row}")));
            }
        }
        var expected = _a.Points ?? [];
        foreach (var group in points.GroupBy(p => (p.Point.Key.Trim(), p.Point.Issuer)).OrderBy(g => g.First().Where, StringComparer.Ordinal))
        {
            var place = Link(group.Key.Item1, group.Key.Issuer, ids, group.First().Where, violations);
            if (place is null) continue;
            if (!volumes.TryGetValue(place.Series!, out var image))
            {
                violations.Add(new LabelViolation(Name(place), "link", "the series has no image volume", null));
                continue;
            }
            // A split series: the points go on every sub-series that contains them all (LandmarkPlacement).
            static bool Finite(LandmarkImport.RawPoint p) => double.IsFinite(p.X) && double.IsFinite(p.Y) && double.IsFinite(p.Z);
            var finite = group.Where(g => Finite(g.Point)).ToList();
            var hosts = LandmarkPlacement.Hosts(volumes, place.Series!, image, finite.Select(g => (g.Point.X, g.Point.Y, g.Point.Z)).ToList());
            if (hosts.Count == 0)
            {
                violations.Add(new LabelViolation(Name(place), "inside", $"no volume of the series ({SubSeriesVolumes.Of(volumes, place.Series!).Count} sub-series) contains all its points", place));
                hosts = [(image, SubSeriesVolumes.Of(volumes, place.Series!)[0].Suffix)];
            }
            foreach (var (p, where) in group.Where(g => !Finite(g.Point)))
                violations.Add(new LabelViolation(Name(place), "values", $"{PointName(p.Name, expected, where)} ({where}) has a missing or non-finite coordinate", place));
            var lists = hosts.Select(_ => new List<LabelPoint>()).ToList();
            foreach (var (p, where) in finite)
                for (var h = 0; h < hosts.Count; h++)
                {
                    var v = hosts[h].Image.VoxelOf(p.X, p.Y, p.Z);
                    if (!hosts[h].Image.Contains(v)) violations.Add(new LabelViolation(Name(place), "inside", $"{PointName(p.Name, expected, where)} lies outside the image volume", place));
                    lists[h].Add(new LabelPoint(p.Name, [p.X, p.Y, p.Z], [Round(v.I), Round(v.J), Round(v.K)]));
                }
            var names = group.Select(g => g.Point.Name).ToList();
            foreach (var missing in expected.Except(names)) violations.Add(new LabelViolation(Name(place), "count", $"expected point '{missing}' is missing", place));
            foreach (var (p, where) in group.Where(g => !expected.Contains(g.Point.Name)))
                violations.Add(new LabelViolation(Name(place), "count", $"the point at {where} is not one of the annotation's points", place));
            foreach (var twice in names.Where(expected.Contains).GroupBy(n => n).Where(n => n.Count() > 1))
                violations.Add(new LabelViolation(Name(place), "count", $"point '{twice.Key}' is given {twice.Count()} times", place));
            for (var h = 0; h < hosts.Count; h++)
                entries.Add((new LabelEntry { Patient = place.Patient, Study = place.Study, Series = place.Series,
                    Volume = hosts[h].Suffix.Length > 0 ? place.Series + hosts[h].Suffix : null,
                    Points = lists[h].OrderBy(p => expected.ToList().IndexOf(p.Name)).ThenBy(p => p.Name, StringComparer.Ordinal).ToList() }, place));
        }
    }

    // A point is quoted by name only when the manifest declares that name: a name from a label file is the
    // file's own text (it could hold anything) and is named by its row instead in the published report.
    private static string PointName(string name, IReadOnlyCollection<string> expected, string where) =>
        expected.Contains(name) ? $"point '{name}'" : $"the point at {where}";

    /// <summary>
    /// The failure of a label source that links nowhere: labels were read, none reached a de-identified item,
    /// so nothing would be published. Whatever on_fail says, that is a wrong key column, a label source of
    /// another dataset, or a pseudonym setting the labels do not follow, never a result to publish.
    /// </summary>
    private string? Unlinked(int linked, List<LabelViolation> violations)
    {
        if (linked > 0) return null;
        var unlinked = violations.Where(v => v.Check == "link" && v.Place is null).OrderBy(v => v.Item, StringComparer.Ordinal).ToList();
        if (unlinked.Count == 0) return null;
        var first = unlinked[0];
        return $"none of the annotation's labels links to a de-identified {_a.Level} ({unlinked.Count} unlinked, 0 published; key {_a.Key}): " +
               $"check the key column and that the label source belongs to these images; first: {first.Item}: {first.Message}";
    }

    private Place? Link(string original, string? issuer, Identifiers ids, string where, List<LabelViolation> violations)
    {
        var place = _a.Level == "study" && string.Equals(_a.Key, "AccessionNumber", StringComparison.OrdinalIgnoreCase)
            ? ids.ResolveAccession(original)
            : ids.Resolve(_a.Level, original, issuer);
        if (place is null) violations.Add(new LabelViolation(where, "link", $"the label names no de-identified {_a.Level} (key {_a.Key})", null));
        return place;
    }

    private LabelTable Table(StageItem item)
    {
        try
        {
            return item.Path!.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? LabelTable.ParseJson(item.ReadAllBytes(), _a.Key)
                : LabelTable.ParseCsv(item.ReadAllBytes());
        }
        catch (FormatException e)
        {
            throw new FormatException($"label file {item.Hash.Short}: {e.Message}");
        }
    }

    private static string Name(Place place) => place.Key == place.Patient ? place.Patient : $"{place.Patient}/{place.Key}";

    private static bool IsNifti(string path) =>
        path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase);

    private static string StripNifti(string name) => StripSuffix(name, ".nii.gz", ".nii");

    private static string StripSuffix(string name, params string[] suffixes)
    {
        foreach (var s in suffixes)
            if (name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) return name[..^s.Length];
        return name;
    }

    private static double Round(double v) => Math.Round(v, 3);

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);
}
