using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Dicom;

namespace DataForge.Stages.Dicom;

/// <summary>
/// The facts a dataset card tabulates beyond modality and manufacturer, read from a de-identified instance, so
/// they are what the policy kept and nothing more: the patient's sex, an age band (ten-year bands, 90 and over
/// as one band, as HIPAA's Safe Harbor asks), the study year (after date shifting), the scanner model and the
/// body part. Absent values are left out. Stages that make volumes and images from instances carry them on
/// (<see cref="CopyTo(JsonElement, JsonObject)"/>).
/// </summary>
public static class SubjectFacts
{
    /// <summary>The metadata members, in the order they are written.</summary>
    public static IReadOnlyList<string> Members { get; } = ["patient_sex", "age_band", "study_year", "manufacturer_model", "body_part"];

    /// <summary>The facts of a de-identified dataset, member by member (null when the dataset does not hold it).</summary>
    public static IEnumerable<(string Member, string? Value)> Of(DicomDataset ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        yield return ("patient_sex", Code(ds.GetString(DicomTags.PatientSex)));
        yield return ("age_band", AgeBand(ds));
        yield return ("study_year", Year(ds.GetString(DicomTags.StudyDate)));
        yield return ("manufacturer_model", Trimmed(ds.GetString(DicomTags.ManufacturerModelName)));
        yield return ("body_part", Code(ds.GetString(DicomTags.BodyPartExamined)));
    }

    /// <summary>Writes the dataset's facts as members of the JSON object being written.</summary>
    public static void Write(Utf8JsonWriter json, DicomDataset ds)
    {
        ArgumentNullException.ThrowIfNull(json);
        foreach (var (member, value) in Of(ds))
            if (value is not null) json.WriteString(member, value);
    }

    /// <summary>Adds the dataset's facts to an object.</summary>
    public static void Add(JsonObject target, DicomDataset ds)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (member, value) in Of(ds))
            if (value is not null) target[member] = value;
    }

    /// <summary>Copies the facts an item's metadata holds (from the instance it was made of) to a new output's metadata.</summary>
    public static void CopyTo(JsonElement source, JsonObject target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (source.ValueKind != JsonValueKind.Object) return;
        foreach (var member in Members)
            if (source.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String) target[member] = v.GetString();
    }

    /// <summary>Copies the facts of a metadata object to another.</summary>
    public static void CopyTo(JsonObject source, JsonObject target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        foreach (var member in Members)
            if (source[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String) target[member] = v.GetValue<string>();
    }

    /// <summary>
    /// The ten-year band of Patient's Age (PS3.5 AS: nnnD, nnnW, nnnM or nnnY), e.g. "40-49", "90+" for 90 and over;
    /// else, when the policy kept both, the age from Patient's Birth Date to the Study Date (shifted alike). Null when neither.
    /// </summary>
    public static string? AgeBand(DicomDataset ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var years = Years(ds.GetString(DicomTags.PatientAge)) ?? YearsBetween(ds.GetString(DicomTags.PatientBirthDate), ds.GetString(DicomTags.StudyDate));
        if (years is not { } y || y < 0) return null;
        if (y >= 90) return "90+";
        var low = y / 10 * 10;
        return $"{low.ToString(CultureInfo.InvariantCulture)}-{(low + 9).ToString(CultureInfo.InvariantCulture)}";
    }

    private static int? Years(string? age)
    {
        var a = age?.Trim();
        if (a is not { Length: 4 } || !int.TryParse(a.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        return a[3] switch
        {
            'Y' => n,
            'M' => n / 12,
            'W' => n / 52,
            'D' => n / 365,
            _ => null,
        };
    }

    private static int? YearsBetween(string? birth, string? study)
    {
        if (Date(birth) is not { } b || Date(study) is not { } s || s < b) return null;
        var years = s.Year - b.Year;
        if (s.Month < b.Month || (s.Month == b.Month && s.Day < b.Day)) years--;
        return years;
    }

    private static DateOnly? Date(string? da) =>
        da?.Trim() is { Length: 8 } d && DateOnly.TryParseExact(d, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string? Year(string? da) => Date(da) is { } d ? d.Year.ToString("0000", CultureInfo.InvariantCulture) : null;

    private static string? Code(string? cs) => Trimmed(cs)?.ToUpperInvariant();

    private static string? Trimmed(string? value) => value?.Trim() is { Length: > 0 } t ? t : null;
}
