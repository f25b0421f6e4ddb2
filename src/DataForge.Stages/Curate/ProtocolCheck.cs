using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DataForge.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// The manifest's protocol expectations (<c>curate.protocol</c>) against one instance. Reasons name the
/// attribute and the measured value of technical attributes only; a series description is never quoted.
/// </summary>
internal static class ProtocolCheck
{
    public static void Run(DicomDataset ds, JsonElement protocol, List<Finding> findings)
    {
        void Fail(string reason) => findings.Add(new Finding(CurationCheck.Protocol, reason));
        var modality = ds.GetString(DicomTags.Modality)?.Trim() ?? "";
        if (Strings(protocol, "modality") is { } modalities && !modalities.Contains(modality, StringComparer.OrdinalIgnoreCase))
            Fail($"Modality (0008,0060) is {Show(modality)}, expected {string.Join(" or ", modalities)}");
        if (Strings(protocol, "body_part") is { } parts)
        {
            var part = ds.GetString(DicomTags.BodyPartExamined)?.Trim() ?? "";
            if (!parts.Contains(part, StringComparer.OrdinalIgnoreCase))
                Fail($"Body Part Examined (0018,0015) is {Show(part)}, expected {string.Join(" or ", parts)}");
        }
        if (Strings(protocol, "manufacturer") is { } makers)
        {
            var maker = ds.GetString(DicomTags.Manufacturer)?.Trim() ?? "";
            if (!makers.Any(m => maker.Contains(m, StringComparison.OrdinalIgnoreCase)))
                Fail($"Manufacturer (0008,0070) is {Show(maker)}, expected one naming {string.Join(" or ", makers)}");
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

    private static string Show(string value) => value.Length == 0 ? "empty" : value;
}
