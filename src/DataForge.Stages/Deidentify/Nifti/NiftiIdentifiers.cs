using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// The identifiers a NIfTI header and its sidecar carry, for the leak gate (<see cref="LeakCheck"/>) and for
/// scrubbing kept text: person names in their written forms (Family^Given, "Given Family", "Family, Given",
/// "Family Given") and their components, IDs and other identifying text (the keys whose DICOM attributes
/// identify a patient, visit, place or device), dates (as written, compact and ISO) and UIDs; from an
/// Analyze header, patient_id and exp_date.
/// </summary>
public static class NiftiIdentifiers
{
    private static readonly HashSet<string> IdentifyingVRs = new(StringComparer.Ordinal) { "PN", "DA", "DT", "UI" };

    // As the DICOM de-identifier's list: text attributes whose values identify a patient, a visit, a place or a device.
    private static readonly HashSet<string> IdentifyingKeywords = new(StringComparer.Ordinal)
    {
        "PatientID", "OtherPatientIDs", "IssuerOfPatientID", "AccessionNumber", "StudyID", "PatientAddress", "PatientTelephoneNumbers",
        "MedicalRecordLocator", "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "DeviceSerialNumber", "StationName",
        "AdmissionID", "ServiceEpisodeID", "RequestedProcedureID", "ScheduledProcedureStepID", "PerformedProcedureStepID",
        "PlacerOrderNumberImagingServiceRequest", "FillerOrderNumberImagingServiceRequest", "Occupation", "MilitaryRank", "BranchOfService",
        "RegionOfResidence", "PersonAddress", "PersonTelephoneNumbers", "DetectorID", "PatientBirthName",
    };

    /// <summary>
    /// What the leak gate must not find in this file's outputs. With <paramref name="policy"/>, values the sidecar
    /// cleaner keeps unchanged under it (a date under retain-longitudinal-full-dates, an institution under
    /// retain-institution-identity, a keep override) are not looked for; without it, every identifier is.
    /// <paramref name="others"/> adds identifiers the caller knows (subject and session labels from the path).
    /// Values shorter than four characters are left out everywhere: they match by chance.
    /// </summary>
    public static LeakCheck Collect(NiftiHeader? header, JsonObject? sidecar, DeidPolicy? policy = null, IEnumerable<string>? others = null)
    {
        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var other in others ?? []) Add(values, other);
        if (header is not null && header.Format == NiftiFormat.Analyze75)
        {
            if (header.TextFields.GetValueOrDefault("patient_id") is { } id) Add(values, id);
            if (header.TextFields.GetValueOrDefault("exp_date") is { } date)
            {
                Add(values, date);
                foreach (var form in TemporalText.Forms(date)) Add(values, form);
            }
        }
        if (sidecar is not null) CollectObject(sidecar, policy, values, parts);
        return new LeakCheck(values, parts);
    }

    private static void CollectObject(JsonObject sidecar, DeidPolicy? policy, HashSet<string> values, HashSet<string> parts)
    {
        foreach (var (key, value) in sidecar)
        {
            if (policy is not null)
            {
                var (outcome, _, _) = SidecarCleaner.Decide(key, value, policy);
                var kept = outcome is SidecarCleaner.Outcome.Keep or SidecarCleaner.Outcome.KeepChecked or SidecarCleaner.Outcome.KeepVerbatim
                    || (outcome == SidecarCleaner.Outcome.Temporal && policy.Has(DeidOption.RetainLongitudinalFullDates));
                if (kept)
                {
                    // Nested objects of a kept key are cleaned key by key, so their identifiers are still looked for.
                    foreach (var inner in Objects(value)) CollectObject(inner, policy, values, parts);
                    continue;
                }
            }
            foreach (var inner in Objects(value)) CollectObject(inner, policy, values, parts);
            var entry = SidecarKeys.EntryOf(key);
            var texts = SidecarCleaner.Strings(value);
            if (texts is null) continue;
            var vr = entry?.VR.Code;
            var dated = vr is "DA" or "DT" || (entry is null && key.Contains("Date", StringComparison.Ordinal));
            if (dated)
            {
                foreach (var text in texts)
                    foreach (var form in TemporalText.Forms(text)) Add(values, form);
                continue;
            }
            if (vr == "PN")
            {
                foreach (var name in texts) AddName(name, values, parts);
                continue;
            }
            if ((vr is not null && IdentifyingVRs.Contains(vr)) || (entry is not null && IdentifyingKeywords.Contains(entry.Keyword)))
                foreach (var text in texts)
                    if (vr != "UI" || !text.StartsWith("1.2.840.10008.", StringComparison.Ordinal)) Add(values, text);
        }
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? value) => value switch
    {
        JsonObject o => [o],
        JsonArray a => a.OfType<JsonObject>(),
        _ => [],
    };

    /// <summary>PS3.5 6.2.1: family^given^middle^prefix^suffix, groups separated by '='; each form looked for whole, each component alone.</summary>
    private static void AddName(string name, HashSet<string> values, HashSet<string> parts)
    {
        Add(values, name);
        foreach (var group in name.Split('='))
        {
            var components = group.Split('^').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
            foreach (var component in components) Add(parts, component);
            if (components.Count >= 2)
            {
                Add(values, $"{components[1]} {components[0]}");
                Add(values, $"{components[0]}, {components[1]}");
                Add(values, $"{components[0]} {components[1]}");
            }
        }
    }

    /// <summary>Short values ("M", "1", "CT") identify nobody and would match by chance (as in DICOM de-identification).</summary>
    private static void Add(HashSet<string> into, string value)
    {
        var v = value.Trim(' ', '\0');
        if (v.Length >= 4 && !v.All(c => c is '0' or '.' or ' ' or '-')) into.Add(v);
    }

    /// <summary>The identifiers a sidecar names that free text may repeat: person names, patient IDs, accession numbers, the birth date.</summary>
    internal static IEnumerable<string> FromSidecar(JsonObject sidecar)
    {
        foreach (var (key, value) in sidecar)
        {
            var entry = SidecarKeys.EntryOf(key);
            if (entry is null || SidecarCleaner.Strings(value) is not { } texts) continue;
            if (entry.VR == DicomVR.PN || entry.Keyword is "PatientID" or "OtherPatientIDs" or "AccessionNumber" or "PatientBirthDate" or "StudyID")
                foreach (var text in texts) yield return text;
        }
    }

    /// <summary>
    /// The scrub list of a set of identifiers: each whole (three characters or more), the family, given and middle
    /// names of a person name (PS3.5 6.2: family^given^middle^prefix^suffix; two characters or more, as DICOM
    /// descriptors are scrubbed; prefixes and suffixes such as DR or MR are words, not identifiers), the words of
    /// a name written with spaces or commas (three characters or more), and the usual written forms of a date;
    /// longest first, so a whole name goes before its parts.
    /// </summary>
    internal static IReadOnlyList<string> ScrubList(IEnumerable<string> identifiers)
    {
        var list = new List<string>();
        foreach (var identifier in identifiers)
        {
            var whole = identifier.Trim();
            if (whole.Length >= 3) list.Add(whole);
            if (whole.Contains('^') || whole.Contains('='))
                foreach (var group in whole.Split('='))
                    list.AddRange(group.Split('^').Take(3).Select(p => p.Trim()).Where(p => p.Length >= 2));
            else
                list.AddRange(whole.Split(',', ' ').Select(p => p.Trim()).Where(p => p.Length >= 3));
            list.AddRange(TemporalText.Forms(whole));
        }
        return list.Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToList();
    }
}
