using System.Text.Json;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// What <see cref="VisualFeaturesPolicy"/> needs to know of one instance, kept as metadata in the private
/// store: the item (content hash), a SHA-256 of its series UID to group on, its Recognizable Visual
/// Features flag, modality, anatomy terms (Body Part Examined, Anatomic Region code meanings) and frames.
/// </summary>
public sealed record VisualFacts(string Item, string Series, string Flag, string Modality, IReadOnlyList<string> Anatomy, int Frames)
{
    /// <summary>The metadata property that marks facts (and holds the series digest the group stage groups on).</summary>
    public const string SeriesProperty = "visual_series";

    /// <summary>The facts of a header; the series is grouped by a SHA-256 of its UID (the item's own hash when it has none).</summary>
    public static VisualFacts Of(string item, DicomDataset ds)
    {
        var series = ds.GetString(DicomTags.SeriesInstanceUID)?.Trim();
        var anatomy = new List<string>();
        if (ds.GetString(DicomTags.BodyPartExamined)?.Trim() is { Length: > 0 } part) anatomy.Add(part.ToUpperInvariant());
        if (ds.Get(DicomTags.AnatomicRegionSequence) is DicomSequence regions)
            foreach (var region in regions.Items)
                if (region.GetString(DicomTags.CodeMeaning)?.Trim() is { Length: > 0 } meaning) anatomy.Add(meaning.ToUpperInvariant());
        return new VisualFacts(item,
            string.IsNullOrEmpty(series) ? "item:" + item : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(series))),
            ds.GetString(DicomTags.RecognizableVisualFeatures)?.Trim().ToUpperInvariant() ?? "",
            ds.GetString(DicomTags.Modality)?.Trim().ToUpperInvariant() ?? "",
            anatomy,
            (int)(ds.GetInteger(DicomTags.NumberOfFrames) ?? 1));
    }

    /// <summary>As metadata JSON.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        [SeriesProperty] = Series,
        ["item"] = Item,
        ["flag"] = Flag,
        ["modality"] = Modality,
        ["anatomy"] = Anatomy,
        ["frames"] = Frames,
    });

    /// <summary>The facts in an item's metadata, or null when it holds none.</summary>
    public static VisualFacts? From(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(SeriesProperty, out var series)
            ? new VisualFacts(metadata.GetProperty("item").GetString()!, series.GetString()!, metadata.GetProperty("flag").GetString()!,
                metadata.GetProperty("modality").GetString()!, metadata.GetProperty("anatomy").EnumerateArray().Select(a => a.GetString()!).ToList(),
                metadata.GetProperty("frames").GetInt32())
            : null;
}
