using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Labels;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Layouts;

/// <summary>
/// Reduce stage <c>export</c>: the image volumes, the masks of every mask annotation and the splits laid out for a
/// training framework. With <c>harmonise:</c> steps it reads the last step's volumes and the masks carried through the
/// geometric steps (<see cref="Harmonise.MaskStepStage"/>). The masks are published here only (nnU-Net's labelsTr,
/// MONAI's <c>labels/CASE.nii.gz</c>), on the grid of the published image, merged into one label map per case in
/// manifest order (<see cref="CaseLabels"/>). One case per volume: a series, or each sub-series volume of a series split
/// by echo, orientation... (<c>volume_id</c> <c>PSEUDONYM/SERIES_suffix</c>); a mask belongs to the volume its own
/// <c>volume_id</c> names, never to another volume of the same series. Cases are named <c>PSEUDONYM_NNN</c> (NNN counts
/// the patient's volumes in series UID, then suffix, order). A case lacking one annotation's mask: when the annotation
/// is required and its on_fail is exclude, the case is not labelled (not a training case); error fails the stage; else
/// it is labelled with the masks it has. Layout <c>nnunet</c> writes nnU-Net v2 raw (<see cref="NnUnetLayout"/>);
/// layout <c>monai</c> a datalist (<see cref="MonaiLayout"/>). Both write <see cref="LayoutReport"/>. Patients of split
/// <c>test</c> go to the test set; others train when their volume has a label.
/// </summary>
public sealed class TrainingLayoutStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "export";

    /// <summary>Bump when the output of the same inputs and config changes.</summary>
    /// <remarks>
    /// 4: each case's published files carry its pseudonym, series, modality and split (release manifests and diff name the patient).
    /// 5: and its study, manufacturer and the dataset card's facts (sex, age band, study year, model, body part).
    /// </remarks>
    public const int Version = 5;

    private readonly string _layout;
    private readonly IReadOnlyList<LayoutMask> _masks;
    private readonly IReadOnlyList<(int Id, string Name)> _classes;

    /// <param name="layout">nnunet or monai.</param>
    /// <param name="inputs">The volume stage, each mask annotation's final mask stage, categorical label stages and the splits stage (if any).</param>
    /// <param name="masks">The mask annotations, in manifest order (the order their masks are painted in).</param>
    /// <param name="classes">The manifest's classes (id, name), or empty.</param>
    public TrainingLayoutStage(string layout, IReadOnlyList<string> inputs, IReadOnlyList<LayoutMask> masks, IReadOnlyList<(int Id, string Name)> classes)
    {
        if (layout is not ("nnunet" or "monai")) throw new ArgumentException("layout is nnunet or monai", nameof(layout));
        if (masks.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != masks.Count) throw new ArgumentException("mask annotations are named once each", nameof(masks));
        _layout = layout;
        _masks = masks;
        _classes = classes;
        var config = CanonicalJson.FromObject(new Dictionary<string, object?>
        {
            ["layout"] = layout,
            ["masks"] = masks.Select(m => new object[] { m.Name, m.Required, m.OnFail }).ToArray(),
            ["classes"] = classes.Select(c => new object[] { c.Id, c.Name }).ToArray(),
        });
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, inputs, config) { Publish = true };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var volumes = new List<(string Patient, string Series, string VolumeId, string Modality, StageItem Item)>();
        var masks = _masks.ToDictionary(m => m.Name, _ => new Dictionary<string, StageItem>(StringComparer.Ordinal), StringComparer.Ordinal);
        IReadOnlyDictionary<string, (string Split, int? Fold)>? splits = null;
        var categorical = new List<LabelFile>();
        foreach (var item in input.Items)
        {
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object) continue;
            if (m.TryGetProperty("splits", out _)) splits = SplitStage.Read(item.ReadAllBytes());
            else if (m.TryGetProperty("label_file", out _) && m.TryGetProperty("kind", out var kind) && kind.GetString() == "categorical")
                categorical.Add(LabelFile.Parse(item.ReadAllBytes()));
            else if (m.TryGetProperty("label_mask", out var a))
            {
                if (a.GetString() is not { } name || !masks.TryGetValue(name, out var byVolume)) continue;
                var volume = VolumeIdOf(m);
                if (volume is null) return StageResult.Failed($"output.layout {_layout}: a mask of '{name}' ({item.Hash.Short}) carries no pseudonym or series");
                if (!byVolume.TryAdd(volume, item))
                    return StageResult.Failed($"output.layout {_layout}: two masks of '{name}' name the volume {volume}");
            }
            else if (m.TryGetProperty("affine", out _) && VolumeIdOf(m) is { } volumeId)
                volumes.Add((m.GetProperty("pseudonym").GetString()!, m.GetProperty("series_instance_uid").GetString()!, volumeId,
                    m.TryGetProperty("modality", out var mod) && mod.ValueKind == JsonValueKind.String ? mod.GetString()! : "image", item));
        }

        var report = new LayoutReport(_layout, _masks.Select(m => m.Name).ToList());
        var cases = new List<TrainingCase>();
        try
        {
            foreach (var patient in volumes.GroupBy(v => v.Patient).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var n = 0;
                // A sub-series volume's id is its series UID and a suffix: by UID first, so a split series keeps its place, then
                // by suffix with echo and orientation numbers as numbers (_e2 before _e10).
                foreach (var v in patient.OrderBy(v => v.Series, StringComparer.Ordinal).ThenBy(v => v.VolumeId, NaturalOrder.Instance))
                {
                    var place = splits is null ? (Split: "train", Fold: (int?)null)
                        : splits.TryGetValue(v.Patient, out var p) ? p : (Split: "train", Fold: null);
                    var c = new TrainingCase($"{v.Patient}_{n++:000}", v.Patient, v.Series, v.Modality, place.Split, place.Fold, v.Item)
                    {
                        Values = Values(categorical, v.Patient, v.Series),
                    };
                    cases.Add(Labelled(c, masks, v.VolumeId, report));
                }
            }
            report.Cases = cases.Count;
            var outputs = _layout == "nnunet"
                ? NnUnetLayout.Write(cases, _classes, _masks.Count > 0, report, cancellationToken)
                : MonaiLayout.Write(cases, _classes, _masks.Select(m => m.Name).ToList(), report, cancellationToken);
            return StageResult.Success([.. outputs, new StageOutput(LayoutReport.Path, report.ToBytes())]);
        }
        catch (LayoutException e)
        {
            return StageResult.Failed($"output.layout {_layout}: {e.Message}");
        }
    }

    /// <summary>
    /// The case with the masks of its own volume, per each annotation's <c>required</c> / <c>on_fail</c> when some are
    /// missing (recorded in the report).
    /// </summary>
    private TrainingCase Labelled(TrainingCase c, Dictionary<string, Dictionary<string, StageItem>> masks, string volumeId, LayoutReport report)
    {
        var present = _masks.Where(a => masks[a.Name].ContainsKey(volumeId)).Select(a => new CaseMask(a.Name, masks[a.Name][volumeId])).ToList();
        var missing = _masks.Where(a => !masks[a.Name].ContainsKey(volumeId)).ToList();
        if (present.Count == 0)
        {
            if (_masks.Count > 0 && !c.IsTest) report.Unlabelled(c.Id);
            return c;
        }
        if (missing.Count == 0) return c with { Masks = present };
        if (missing.FirstOrDefault(a => a is { Required: true, OnFail: "error" }) is { } fatal)
            throw new LayoutException($"case {c.Id} has no mask of the required annotation '{fatal.Name}' (on_fail: error)");
        var names = missing.Select(a => a.Name).ToList();
        // nnU-Net's test cases carry no label (imagesTs only): what their masks lack changes nothing there.
        var reported = !(c.IsTest && _layout == "nnunet");
        if (missing.Any(a => a is { Required: true, OnFail: "exclude" }))
        {
            if (reported) report.Excluded(c, names);
            return c;
        }
        var labelled = c with { Masks = present };
        if (reported) report.Partial(labelled, names);
        return labelled;
    }

    /// <summary>
    /// The volume a mask or image names: its <c>volume_id</c> (<c>PSEUDONYM/SERIES[suffix]</c>) when it has one of its own
    /// series, else <c>PSEUDONYM/SERIES</c>; null without pseudonym or series.
    /// </summary>
    private static string? VolumeIdOf(JsonElement m)
    {
        if (!m.TryGetProperty("pseudonym", out var p) || p.GetString() is not { } pseudonym
            || !m.TryGetProperty("series_instance_uid", out var s) || s.GetString() is not { } series) return null;
        var plain = $"{pseudonym}/{series}";
        return m.TryGetProperty("volume_id", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } id
            && (id == plain || id.StartsWith(plain + "_", StringComparison.Ordinal)) ? id : plain;
    }

    // Categorical labels of a case: those of its patient, and those of its series (which win).
    private static SortedDictionary<string, string> Values(List<LabelFile> files, string patient, string series)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var e in file.Items)
                if (e.Value is { } value && e.Patient == patient &&
                    ((file.Level == "patient") || (file.Level == "series" && e.Series == series)))
                    values[file.Annotation] = value;
        return values;
    }
}
