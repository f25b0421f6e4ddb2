using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Labels;

/// <summary>
/// Reduce stage <c>export</c>: the image volumes, the masks of one mask annotation and the splits laid
/// out for a training framework. With <c>harmonise:</c> steps it reads the last step's volumes and the masks
/// carried through the geometric steps (<see cref="Harmonise.MaskStepStage"/>). The masks are published here only
/// (nnU-Net's labelsTr, MONAI's <c>labels/CASE.nii.gz</c>), on the grid of the published image. One case per series volume, named <c>PSEUDONYM_NNN</c> (NNN counts
/// the patient's series in UID order). Layout <c>nnunet</c> writes nnU-Net v2 raw (imagesTr, labelsTr,
/// imagesTs, dataset.json) and checks it as nnU-Net does (<see cref="NnUnetLayout"/>); layout
/// <c>monai</c> writes images/CASE.nii.gz and datalist.json whose training / validation / test entries
/// name the published image and mask, with the case's categorical labels (patient or series level). Patients of split <c>test</c> go to the test set; others train
/// when their volume has a mask.
/// </summary>
public sealed class TrainingLayoutStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "export";

    /// <summary>Bump when the output of the same inputs and config changes.</summary>
    public const int Version = 2;

    private readonly string _layout;
    private readonly string? _annotation;
    private readonly IReadOnlyList<(int Id, string Name)> _classes;

    /// <param name="layout">nnunet or monai.</param>
    /// <param name="inputs">The volume stage, the mask annotation's label stage (if any) and the splits stage (if any).</param>
    /// <param name="annotation">The mask annotation whose masks are the labels, or null.</param>
    /// <param name="classes">The manifest's classes (id, name), or empty.</param>
    public TrainingLayoutStage(string layout, IReadOnlyList<string> inputs, string? annotation, IReadOnlyList<(int Id, string Name)> classes)
    {
        if (layout is not ("nnunet" or "monai")) throw new ArgumentException("layout is nnunet or monai", nameof(layout));
        _layout = layout;
        _annotation = annotation;
        _classes = classes;
        var config = CanonicalJson.FromObject(new Dictionary<string, object?>
        {
            ["layout"] = layout,
            ["annotation"] = annotation,
            ["classes"] = classes.Select(c => new object[] { c.Id, c.Name }).ToArray(),
        });
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, inputs, config) { Publish = true };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var volumes = new List<(string Patient, string Series, string Modality, StageItem Item)>();
        var masks = new Dictionary<string, StageItem>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, (string Split, int? Fold)>? splits = null;
        var categorical = new List<LabelFile>();
        foreach (var item in input.Items)
        {
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object) continue;
            if (m.TryGetProperty("splits", out _)) splits = SplitStage.Read(item.ReadAllBytes());
            else if (m.TryGetProperty("label_file", out _) && m.TryGetProperty("kind", out var kind) && kind.GetString() == "categorical")
                categorical.Add(LabelFile.Parse(item.ReadAllBytes()));
            else if (m.TryGetProperty("label_mask", out var a) && a.GetString() == _annotation)
                masks[m.GetProperty("series_instance_uid").GetString()!] = item;
            else if (m.TryGetProperty("affine", out _))
                volumes.Add((m.GetProperty("pseudonym").GetString()!, m.GetProperty("series_instance_uid").GetString()!,
                    m.TryGetProperty("modality", out var mod) && mod.ValueKind == JsonValueKind.String ? mod.GetString()! : "image", item));
        }

        var cases = new List<TrainingCase>();
        foreach (var patient in volumes.GroupBy(v => v.Patient).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var n = 0;
            foreach (var v in patient.OrderBy(v => v.Series, StringComparer.Ordinal))
            {
                var place = splits is null ? (Split: "train", Fold: (int?)null)
                    : splits.TryGetValue(v.Patient, out var p) ? p : (Split: "train", Fold: null);
                var mask = masks.GetValueOrDefault(v.Series);
                var id = $"{v.Patient}_{n++:000}";
                cases.Add(new TrainingCase(id, v.Patient, v.Series, v.Modality, place.Split, place.Fold, v.Item, mask, mask is null ? null : $"labels/{id}.nii.gz")
                {
                    Values = Values(categorical, v.Patient, v.Series),
                });
            }
        }
        try
        {
            return StageResult.Success(_layout == "nnunet"
                ? NnUnetLayout.Write(cases, _classes, _annotation is not null, cancellationToken)
                : MonaiLayout.Write(cases, _classes, _annotation is not null));
        }
        catch (LayoutException e)
        {
            return StageResult.Failed($"output.layout {_layout}: {e.Message}");
        }
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

/// <summary>One case of a training layout: the image volume, its place in the splits, and its mask when it has one.</summary>
public sealed record TrainingCase(string Id, string Patient, string Series, string Modality, string Split, int? Fold,
    StageItem Image, StageItem? Mask, string? MaskPath)
{
    /// <summary>Categorical labels of the case (annotation name to value), patient and series level.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True for the held-out test split.</summary>
    public bool IsTest => Split == SplitPolicy.TestSplit;
}

/// <summary>A training layout that cannot be written as its framework requires (the reason names no PHI).</summary>
public sealed class LayoutException(string message) : Exception(message);
