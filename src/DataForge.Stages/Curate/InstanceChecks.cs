using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataForge.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// The checks that need one instance only: image quality, consent, retention and the Part 10 meta
/// header. Protocol expectations live in <see cref="ProtocolCheck"/>, required attributes in
/// <see cref="ConformanceCheck"/>.
/// </summary>
internal static class InstanceChecks
{
    public static void Quality(DicomDataset ds, PixelSummary? pixels, JsonElement quality, List<Finding> findings)
    {
        void Fail(string reason) => findings.Add(new Finding(CurationCheck.ImageQuality, reason));
        if (pixels is null) return;
        if (pixels.IsConstant)
            Fail(pixels.Min == 0 ? "empty image: every stored pixel value is 0" : $"constant image: every stored pixel value is {pixels.Min}");
        if (Number(quality, "max_saturated_fraction") is { } saturated && pixels.SaturatedFraction > saturated)
            Fail($"{Percent(pixels.SaturatedFraction)} of the pixels are at the top of the stored range (at most {Percent(saturated)} allowed)");
        if (Number(quality, "min_snr") is { } minSnr && pixels.Snr is { } snr && snr < minSnr)
            Fail($"estimated SNR {snr.ToString("0.0", CultureInfo.InvariantCulture)} is below {minSnr.ToString("0.0", CultureInfo.InvariantCulture)}");
        if (Number(quality, "min_fov_mm") is { } minFov)
        {
            // Field of view = matrix x pixel spacing (PS3.3 C.7.6.2.1.1: spacing is row, then column).
            var rowSpacing = ds.GetNumber(DicomTags.PixelSpacing, 0);
            var columnSpacing = ds.GetNumber(DicomTags.PixelSpacing, 1);
            if (rowSpacing is { } r && columnSpacing is { } c)
            {
                var height = r * (ds.GetInteger(DicomTags.Rows) ?? 0);
                var width = c * (ds.GetInteger(DicomTags.Columns) ?? 0);
                if (Math.Min(height, width) < minFov)
                    Fail($"field of view {Mm(width)} x {Mm(height)} mm is smaller than {Mm(minFov)} mm");
            }
        }
    }

    /// <summary>Keyed hash of an original Patient ID, as the consent list is kept in the stage config: nothing original leaves the private zone.</summary>
    public static string ConsentHash(byte[] key, string patientId)
    {
        using var hmac = new HMACSHA256(key);
        return Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("consent/1\n" + patientId.Trim())));
    }

    public static void Consent(DicomDataset ds, byte[]? key, JsonElement consent, List<Finding> findings)
    {
        if (key is null || !consent.TryGetProperty("withdrawn", out var withdrawn)) return;
        var id = ds.GetString(DicomTags.PatientID)?.Trim() ?? "";
        if (id.Length == 0) return;
        var hash = ConsentHash(key, id);
        if (withdrawn.EnumerateArray().Any(w => w.GetString() == hash))
            findings.Add(new Finding(CurationCheck.Consent, "the patient is on the list of withdrawn consent"));
    }

    /// <summary>
    /// A study older than the retention period on the manifest's reference date (<c>as_of</c>); stages read
    /// no clock, so the date is part of the config and the result is the same whenever the build runs.
    /// </summary>
    public static void Retention(DicomDataset ds, JsonElement retention, List<Finding> findings)
    {
        if (!retention.TryGetProperty("years", out var yearsElement) || !retention.TryGetProperty("as_of", out var asOfElement)) return;
        var asOf = DateOnly.ParseExact(asOfElement.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var years = yearsElement.GetDouble();
        var text = ds.GetString(DicomTags.StudyDate)?.Trim() ?? "";
        // PS3.5 6.2: DA is YYYYMMDD.
        if (!DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var studyDate))
        {
            findings.Add(new Finding(CurationCheck.Retention, "no valid Study Date (0008,0020), so its age is unknown"));
            return;
        }
        if (studyDate.AddMonths((int)Math.Round(years * 12)) < asOf)
            findings.Add(new Finding(CurationCheck.Retention,
                $"the study is older than the retention period of {years.ToString("0.##", CultureInfo.InvariantCulture)} years on {asOf:yyyy-MM-dd}"));
    }

    /// <summary>PS3.10 7.1: the preamble, "DICM" and a file meta group agreeing with the dataset.</summary>
    public static void MetaHeader(DicomFile file, List<Finding> findings)
    {
        void Fail(string reason) => findings.Add(new Finding(CurationCheck.Conformance, reason));
        if (file.HadNoMeta) { Fail("no Part 10 preamble and file meta information (PS3.10 7.1)"); return; }
        if (!file.HadPreamble) Fail("no 128-byte preamble before \"DICM\" (PS3.10 7.1)");
        var meta = file.Meta;
        foreach (var (tag, name) in new[]
                 {
                     (DicomTags.MediaStorageSOPClassUID, "Media Storage SOP Class UID (0002,0002)"),
                     (DicomTags.MediaStorageSOPInstanceUID, "Media Storage SOP Instance UID (0002,0003)"),
                     (DicomTags.TransferSyntaxUID, "Transfer Syntax UID (0002,0010)"),
                     (DicomTags.ImplementationClassUID, "Implementation Class UID (0002,0012)"),
                 })
            if (string.IsNullOrWhiteSpace(meta.GetString(tag))) Fail($"file meta information lacks {name} (PS3.10 Table 7.1-1, Type 1)");
        if (meta.GetString(DicomTags.MediaStorageSOPClassUID)?.Trim() is { Length: > 0 } metaClass
            && file.Dataset.GetString(DicomTags.SOPClassUID)?.Trim() is { Length: > 0 } sopClass && metaClass != sopClass)
            Fail("Media Storage SOP Class UID (0002,0002) differs from SOP Class UID (0008,0016)");
        if (meta.GetString(DicomTags.MediaStorageSOPInstanceUID)?.Trim() is { Length: > 0 } metaInstance
            && file.Dataset.GetString(DicomTags.SOPInstanceUID)?.Trim() is { Length: > 0 } sopInstance && metaInstance != sopInstance)
            Fail("Media Storage SOP Instance UID (0002,0003) differs from SOP Instance UID (0008,0018)");
    }

    private static double? Number(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static string Percent(double f) => (f * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Mm(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
