using System.Globalization;
using DataForge.Manifest.Model;

namespace DataForge.Stages.ImageSources;

/// <summary>The manifest's <c>fields:</c> of an image source, bound once: the selector of each fact.</summary>
public sealed class ImageFields
{
    /// <summary>The facts a source can map.</summary>
    public static IReadOnlyList<string> Names { get; } = ["subject", "study", "series", "modality", "laterality", "view", "pixel_spacing", "id"];

    private readonly IReadOnlyDictionary<string, FieldSelector> _selectors;

    private ImageFields(IReadOnlyDictionary<string, FieldSelector> selectors) => _selectors = selectors;

    /// <summary>The source's selectors (validation has parsed each).</summary>
    public static ImageFields Of(SourceSpec source) =>
        new((source.Fields ?? new Dictionary<string, string>()).ToDictionary(f => f.Key, f => FieldSelector.Parse(f.Value), StringComparer.Ordinal));

    /// <summary>
    /// The facts of one image: each field from the sidecar; the subject (and session), when no field gives it, from the
    /// path by the source's subject expression; the modality from the field, else the source's <c>modality</c>, else OT.
    /// Null with a <paramref name="problem"/> (no values in it) when a fact is missing or not usable.
    /// </summary>
    public ImageFacts? Read(ImageSidecar? sidecar, string path, SubjectPattern pattern, string? modality, out string? problem)
    {
        problem = null;
        string? One(string name) => _selectors.TryGetValue(name, out var s) && sidecar is not null && sidecar.Select(s) is { Count: > 0 } v ? v[0] : null;
        var subject = One("subject");
        string? session = null;
        if (subject is null)
        {
            if (_selectors.ContainsKey("subject"))
            {
                problem = sidecar is null ? "the image has no sidecar (NAME.json, NAME.xml) or metadata row to read fields.subject from"
                    : "the image's sidecar or metadata row has no value at fields.subject";
                return null;
            }
            if (pattern.Match(path) is not { } who)
            {
                problem = "the path does not match the source's subject expression (default: BIDS sub-LABEL/ folders); give the source a subject: expression or fields.subject";
                return null;
            }
            (subject, session) = who;
        }
        var code = One("modality")?.ToUpperInvariant() ?? modality ?? "OT";
        if (!IsCode(code)) { problem = "the modality in the sidecar is not a DICOM modality code (CR, DX, MG, XC, OT, ...)"; return null; }
        string? laterality = null;
        if (One("laterality") is { } l)
        {
            laterality = l.ToUpperInvariant() switch
            {
                "R" or "RIGHT" => "R", "L" or "LEFT" => "L", "B" or "BOTH" or "BILATERAL" => "B", "U" or "UNPAIRED" => "U", _ => null,
            };
            if (laterality is null) { problem = "the laterality in the sidecar is not R, L, B, U (or right, left, both, unpaired)"; return null; }
        }
        var view = One("view")?.ToUpperInvariant();
        if (view is not null && !IsCode(view)) { problem = "the view in the sidecar is not a DICOM View Position code (AP, PA, LL, CC, MLO, ...)"; return null; }
        double[]? spacing = null;
        if (_selectors.TryGetValue("pixel_spacing", out var ps) && sidecar is not null && sidecar.Select(ps) is { Count: > 0 } values)
        {
            var numbers = values.SelectMany(v => v.Split(['\\', ',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)).ToList();
            var parsed = numbers.Select(n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d) ? d : (double?)null).ToList();
            if (parsed.Count is not (1 or 2) || parsed.Any(p => p is null)) { problem = "the pixel spacing in the sidecar is not one or two positive numbers (mm; row spacing, column spacing)"; return null; }
            spacing = parsed.Count == 1 ? [parsed[0]!.Value, parsed[0]!.Value] : [parsed[0]!.Value, parsed[1]!.Value];
        }
        return new ImageFacts
        {
            Subject = subject, Session = session, Study = One("study"), Series = One("series"), Modality = code, Id = One("id"),
            Laterality = laterality, View = view, PixelSpacing = spacing,
        };
    }

    /// <summary>
    /// The sidecar's values that the facts keep (modality, laterality, view, pixel spacing, in coded form): not
    /// identifiers, so the leak gate does not look for them even where a sidecar key is otherwise left out.
    /// </summary>
    public IReadOnlySet<string> KeptValues(ImageSidecar? sidecar)
    {
        var kept = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (sidecar is null) return kept;
        foreach (var name in new[] { "modality", "laterality", "view", "pixel_spacing" })
            if (_selectors.TryGetValue(name, out var s)) kept.UnionWith(sidecar.Select(s));
        return kept;
    }

    private static bool IsCode(string s) => s.Length is >= 1 and <= 16 && s.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '_' or ' ');
}
