using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// The manifest's protocol expectations (<c>curate.protocol</c>) against one instance. Reasons name the
/// attribute and the measured value of technical attributes only; a series description is never quoted.
/// The curation report is published, and sites write free text where codes belong, so a coded value
/// (Modality, Body Part Examined, Manufacturer) is quoted only when it has the form of a code and shares
/// nothing with the instance's patient identifiers; otherwise the reason says it is withheld.
/// </summary>
internal static class ProtocolCheck
{
    public static void Run(DicomDataset ds, JsonElement protocol, List<Finding> findings)
    {
        void Fail(string reason) => findings.Add(new Finding(CurationCheck.Protocol, reason));
        var identifiers = Identifiers(ds);
        string Show(string value, int maxLength) => Quotable(value, maxLength, identifiers);
        var modality = ds.GetString(DicomTags.Modality)?.Trim() ?? "";
        if (Strings(protocol, "modality") is { } modalities && !modalities.Contains(modality, StringComparer.OrdinalIgnoreCase))
            Fail($"Modality (0008,0060) is {Show(modality, 16)}, expected {string.Join(" or ", modalities)}");
        if (Strings(protocol, "body_part") is { } parts)
        {
            var part = ds.GetString(DicomTags.BodyPartExamined)?.Trim() ?? "";
            if (!parts.Contains(part, StringComparer.OrdinalIgnoreCase))
                Fail($"Body Part Examined (0018,0015) is {Show(part, 16)}, expected {string.Join(" or ", parts)}");
        }
        if (Strings(protocol, "manufacturer") is { } makers)
        {
            var maker = ds.GetString(DicomTags.Manufacturer)?.Trim() ?? "";
            if (!makers.Any(m => maker.Contains(m, StringComparison.OrdinalIgnoreCase)))
                Fail($"Manufacturer (0008,0070) is {Show(maker, 64)}, expected one naming {string.Join(" or ", makers)}");
        }
        // Field strength is a property of MR acquisitions only (PS3.3 C.8.3.1).
        if (modality == "MR" && protocol.TryGetProperty("field_strength", out var strength))
            Range(ds.GetNumber(DicomTags.MagneticFieldStrength), strength, "Magnetic Field Strength (0018,0087)", "T", Fail);
        if (protocol.TryGetProperty("slice_thickness", out var thickness))
            Range(ds.GetNumber(DicomTags.SliceThickness), thickness, "Slice Thickness (0018,0050)", "mm", Fail);
        if (protocol.TryGetProperty("pixel_spacing", out var spacing))
        {
            Range(ds.GetNumber(DicomTags.PixelSpacing, 0), spacing, "Pixel Spacing (0028,0030) row spacing", "mm", Fail);
            Range(ds.GetNumber(DicomTags.PixelSpacing, 1), spacing, "Pixel Spacing (0028,0030) column spacing", "mm", Fail);
        }
        if (protocol.TryGetProperty("min_matrix", out var matrix) && matrix.GetArrayLength() == 2)
        {
            long rows = ds.GetInteger(DicomTags.Rows) ?? 0, columns = ds.GetInteger(DicomTags.Columns) ?? 0;
            long minRows = matrix[0].GetInt64(), minColumns = matrix[1].GetInt64();
            if (rows < minRows || columns < minColumns)
                Fail($"matrix {rows}x{columns} is smaller than {minRows}x{minColumns}");
        }
        if (protocol.TryGetProperty("contrast", out var contrast) && contrast.GetString() is "with" or "without")
        {
            // PS3.3 C.7.6.4: Contrast/Bolus Agent (0018,0010) names the agent when one was given.
            var given = !string.IsNullOrWhiteSpace(ds.GetString(DicomTags.ContrastBolusAgent));
            if (contrast.GetString() == "with" && !given) Fail("no Contrast/Bolus Agent (0018,0010): expected a contrast-enhanced acquisition");
            if (contrast.GetString() == "without" && given) Fail("Contrast/Bolus Agent (0018,0010) is set: expected an acquisition without contrast");
        }
        if (protocol.TryGetProperty("series_description", out var patterns))
        {
            var description = ds.GetString(DicomTags.SeriesDescription)?.Trim() ?? "";
            if (Strings(patterns, "include") is { Count: > 0 } include && !include.Any(p => Matches(p, description)))
                Fail("Series Description (0008,103E) matches none of the include patterns");
            if (Strings(patterns, "exclude") is { } exclude)
                for (var i = 0; i < exclude.Count; i++)
                    if (Matches(exclude[i], description))
                        Fail($"Series Description (0008,103E) matches exclude pattern {i + 1} ('{exclude[i]}')");
        }
    }

    /// <summary>A case-insensitive wildcard match: '*' any run of characters, '?' one character.</summary>
    public static bool Matches(string pattern, string text) =>
        Regex.IsMatch(text, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));

    private static void Range(double? value, JsonElement range, string name, string unit, Action<string> fail)
    {
        if (value is not { } v || !double.IsFinite(v)) { fail($"no {name}"); return; }
        var text = v.ToString("0.###", CultureInfo.InvariantCulture);
        if (range.TryGetProperty("min", out var min) && v < min.GetDouble())
            fail($"{name} is {text} {unit}, below {min.GetDouble().ToString("0.###", CultureInfo.InvariantCulture)}");
        if (range.TryGetProperty("max", out var max) && v > max.GetDouble())
            fail($"{name} is {text} {unit}, above {max.GetDouble().ToString("0.###", CultureInfo.InvariantCulture)}");
    }

    private static List<string>? Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : null;

    /// <summary>
    /// The value as the report may quote it: a code-like string (letters, digits, space, '_', '-', '.',
    /// at most <paramref name="maxLength"/> characters) in which no patient identifier of the same header
    /// occurs; anything else is withheld.
    /// </summary>
    internal static string Quotable(string value, int maxLength, IReadOnlyCollection<string> identifiers)
    {
        if (value.Length == 0) return "empty";
        var codeLike = value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '-' or '.');
        var identifying = identifiers.Any(id => value.Contains(id, StringComparison.OrdinalIgnoreCase));
        return codeLike && !identifying ? value : "a value that is not a code (withheld from the report)";
    }

    /// <summary>The patient's identifiers in this header, and each name component of two letters or more.</summary>
    private static List<string> Identifiers(DicomDataset ds)
    {
        var ids = new List<string>();
        foreach (var tag in (ReadOnlySpan<DicomTag>)[DicomTags.PatientID, DicomTags.OtherPatientIDs, DicomTags.AccessionNumber, DicomTags.PatientBirthDate])
            foreach (var v in ds.GetStrings(tag))
                if (v.Trim() is { Length: > 1 } id) ids.Add(id);
        foreach (var name in ds.GetStrings(DicomTags.PatientName))
            foreach (var part in name.Split(['^', '=', ' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (part.Length > 1) ids.Add(part);
        return ids;
    }
}
