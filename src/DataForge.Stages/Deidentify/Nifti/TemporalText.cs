using System.Globalization;
using System.Text.RegularExpressions;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// Dates, date-times and times as sidecars write them: DICOM's compact forms (YYYYMMDD, YYYYMMDDhhmmss.f,
/// hhmmss.f) and the ISO 8601 forms of BIDS and dcm2niix (YYYY-MM-DD, YYYY-MM-DDThh:mm:ss.f, hh:mm:ss.f;
/// dcm2niix writes seconds without their leading zero, e.g. 11:18:0.000000).
/// </summary>
internal static partial class TemporalText
{
    [GeneratedRegex(@"^(\d{4})-?(\d{2})-?(\d{2})(?=$|[T ]|\d{2})")]
    private static partial Regex DatePrefix();

    [GeneratedRegex(@"^\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?$|^\d{2}(\d{2}(\d{2}(\.\d+)?)?)?$")]
    private static partial Regex TimeOfDay();

    /// <summary>The date at the start of <paramref name="text"/> and the length of its written form, or null.</summary>
    public static (DateOnly Date, int Length, bool Iso)? DateAt(string text)
    {
        var match = DatePrefix().Match(text.Trim());
        if (!match.Success) return null;
        var iso = match.Value.Contains('-', StringComparison.Ordinal);
        var value = match.Groups[1].Value + match.Groups[2].Value + match.Groups[3].Value;
        return DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? (date, match.Length, iso) : null;
    }

    /// <summary>True when the text is a time of day (hh:mm[:ss[.f]] or hh[mm[ss[.f]]]).</summary>
    public static bool IsTime(string text) => TimeOfDay().IsMatch(text.Trim());

    /// <summary>The text with its leading date moved by <paramref name="days"/>, in the same form; null when it does not start with a date.</summary>
    public static string? Shift(string text, int days)
    {
        var trimmed = text.Trim();
        if (DateAt(trimmed) is not { } at) return null;
        var shifted = at.Date.AddDays(days).ToString(at.Iso ? "yyyy-MM-dd" : "yyyyMMdd", CultureInfo.InvariantCulture);
        return shifted + trimmed[at.Length..];
    }

    /// <summary>The written forms of the date at the start of the text (as written, compact and ISO, and the usual local forms), or none.</summary>
    public static IEnumerable<string> Forms(string text)
    {
        if (DateAt(text) is not { } at) return [];
        var d = at.Date;
        return
        [
            d.ToString("yyyyMMdd", CultureInfo.InvariantCulture), d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            d.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture),
        ];
    }
}
