using System.Text.Json;
using DataForge.Dicom;
using DataForge.Engine.Hashing;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Clean Recognizable Visual Features (PS3.15 E.3.2) as a policy, because DataForge does not deface:
/// an instance is excluded when it says Recognizable Visual Features (0028,0302) is YES, or when it belongs
/// to a volumetric series of the head (a modality in <see cref="Modalities"/>, Body Part Examined or an
/// Anatomic Region code meaning in <see cref="BodyParts"/>, and at least <see cref="MinSlices"/> slices or
/// frames in the series), from which a face can be rendered. Every other instance is written with
/// Recognizable Visual Features NO and the option's code 113102.
/// Manifest: <c>deidentify.visual_features: {body_parts: [...], modalities: [...], min_slices: N}</c>.
/// </summary>
public sealed record VisualFeaturesPolicy(IReadOnlySet<string> BodyParts, IReadOnlySet<string> Modalities, int MinSlices)
{
    /// <summary>
    /// Body Part Examined defined terms (PS3.16 Annex L) of the head and face, where a volume can show a face
    /// (<see cref="DicomBodyParts.HeadAndFace"/>). NECK is left out: a neck volume rarely reaches the face; add it when yours do.
    /// </summary>
    public static readonly string[] DefaultBodyParts = [.. DicomBodyParts.HeadAndFace];

    /// <summary>Cross-sectional modalities whose volumes can be rendered as a face.</summary>
    public static readonly string[] DefaultModalities = ["CT", "MR"];

    /// <summary>Fewer slices than this cover too little of the head to render a face (a scout, a single slab).</summary>
    public const int DefaultMinSlices = 20;

    /// <summary>Why an instance is excluded: its own flag, or its series being a head volume.</summary>
    public const string FlaggedYes = "recognizable_visual_features_yes";

    /// <inheritdoc cref="FlaggedYes"/>
    public const string HeadVolume = "head_volume";

    /// <summary>Reads <c>visual_features</c> of a <c>deidentify:</c> section (defaults when absent).</summary>
    public static VisualFeaturesPolicy From(JsonElement config)
    {
        var section = config.TryGetProperty("visual_features", out var v) ? v : default;
        IReadOnlySet<string> Terms(string name, string[] defaults) =>
            (section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var list)
                ? list.EnumerateArray().Select(e => e.GetString()!.Trim().ToUpperInvariant())
                : defaults).ToHashSet(StringComparer.Ordinal);
        var min = section.ValueKind == JsonValueKind.Object && section.TryGetProperty("min_slices", out var m) ? m.GetInt32() : DefaultMinSlices;
        return new VisualFeaturesPolicy(Terms("body_parts", DefaultBodyParts), Terms("modalities", DefaultModalities), min);
    }

    /// <summary>The policy as canonical JSON, for action keys and the report.</summary>
    public CanonicalJson ToJson() => CanonicalJson.Parse(JsonSerializer.Serialize(Settings()));

    /// <summary>The policy as an object to serialise.</summary>
    public object Settings() => new
    {
        body_parts = BodyParts.Order(StringComparer.Ordinal).ToArray(),
        modalities = Modalities.Order(StringComparer.Ordinal).ToArray(),
        min_slices = MinSlices,
    };

    /// <summary>
    /// The instances of one series (their facts) that must be excluded, with the reason; the rest are kept.
    /// Identical copies (same item) count once.
    /// </summary>
    public IReadOnlyDictionary<string, string> Excluded(IEnumerable<VisualFacts> series)
    {
        var instances = series.DistinctBy(f => f.Item).ToList();
        var slices = instances.Sum(f => Math.Max(1, f.Frames));
        var headVolume = slices >= MinSlices;
        var excluded = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in instances)
        {
            if (f.Flag == "YES") excluded[f.Item] = FlaggedYes;
            else if (headVolume && Modalities.Contains(f.Modality) && f.Anatomy.Any(BodyParts.Contains)) excluded[f.Item] = HeadVolume;
        }
        return excluded;
    }
}
