using DataForge.Engine.Stages;
using DataForge.Stages.Splits;

namespace DataForge.Stages.Layouts;

/// <summary>
/// One case of a training layout: one image volume (a series, or a sub-series volume of a split series, see
/// <see cref="Volumes.SubSeriesVolumes"/>), its place in the splits, and the masks it is labelled with.
/// </summary>
public sealed record TrainingCase(string Id, string Patient, string Series, string Modality, string Split, int? Fold, StageItem Image)
{
    /// <summary>
    /// The masks the case's label map is made of, one per mask annotation that has one for this volume, in manifest
    /// order (a later one paints over an earlier one). Empty: the case has no label.
    /// </summary>
    public IReadOnlyList<CaseMask> Masks { get; init; } = [];

    /// <summary>Categorical labels of the case (annotation name to value), patient and series level.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True for the held-out test split.</summary>
    public bool IsTest => Split == SplitPolicy.TestSplit;

    /// <summary>True when the case has a label map.</summary>
    public bool HasLabel => Masks.Count > 0;

    /// <summary>
    /// The metadata of the case's published files (image, label map, masks): its pseudonym, series, modality and
    /// split, as the release manifest and <c>diff</c> read them (no identifier: the pseudonym and the new UID), with
    /// the image volume's study, manufacturer, the facts the dataset card tabulates (<see cref="Dicom.SubjectFacts"/>) and
    /// its lossy compression, when there was any.
    /// </summary>
    public System.Text.Json.JsonElement Metadata()
    {
        var metadata = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["pseudonym"] = Patient, ["series_instance_uid"] = Series, ["modality"] = Modality, ["split"] = Split, ["fold"] = Fold,
        };
        var image = Image.Metadata;
        if (image.ValueKind == System.Text.Json.JsonValueKind.Object)
            foreach (var member in (string[])["study_instance_uid", "manufacturer", .. Dicom.SubjectFacts.Members])
                if (image.TryGetProperty(member, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String) metadata[member] = v.GetString();
        // A case made from lossy-compressed data says so, as its volume does.
        if (image.ValueKind == System.Text.Json.JsonValueKind.Object && image.TryGetProperty(Dicom.LossyFacts.Property, out var lossy))
            metadata[Dicom.LossyFacts.Property] = lossy.Clone();
        return System.Text.Json.JsonSerializer.SerializeToElement(metadata);
    }
}

/// <summary>One mask annotation's mask of a case, on the case's final grid.</summary>
public sealed record CaseMask(string Annotation, StageItem Item);

/// <summary>A mask annotation a training layout merges into its label maps, with what to do for a case that lacks its mask.</summary>
/// <param name="Name">The annotation's name.</param>
/// <param name="Required">The manifest's <c>required</c>.</param>
/// <param name="OnFail">The manifest's <c>on_fail</c> (warn, exclude or error).</param>
public sealed record LayoutMask(string Name, bool Required, string OnFail);

/// <summary>A training layout that cannot be written as its framework requires (the reason names no PHI).</summary>
public sealed class LayoutException(string message) : Exception(message);
