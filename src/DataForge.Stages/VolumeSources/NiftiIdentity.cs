using System.Text.Json;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.VolumeSources;

/// <summary>
/// Who and what an image of a NIfTI or Analyze source is, once de-identified. The subject is treated as a
/// DICOM Patient ID without issuer: its keyed token, pseudonym (the policy's format, <c>{seq:N}</c> from the
/// vault's table), date offset and sealed identity are those a DICOM instance with that Patient ID gets, so a
/// label table keyed by <c>PatientID</c> = <c>sub-01</c> finds the subject. The study is the subject and
/// session; the series is the image's source-relative path without its extension (what a mask or label
/// table names as <c>SeriesInstanceUID</c>); each becomes a keyed 2.25 UID, stable across runs, never the
/// path. <see cref="Identifiers"/> are what the leak gate looks for.
/// </summary>
public sealed record NiftiIdentity
{
    /// <summary>Why the identity cannot be made (no subject in the metadata, no sequential number), or null.</summary>
    public string? Problem { get; init; }

    public string Subject { get; init; } = "";

    public string? Session { get; init; }

    /// <summary>Who the patient is for keyed values: the same key a DICOM Patient ID without issuer gives.</summary>
    public string PatientKey { get; init; } = "";

    public string Pseudonym { get; init; } = "";

    public string StudyUid { get; init; } = "";

    public string SeriesUid { get; init; } = "";

    /// <summary>The per-patient date shift in days (0 unless dates are modified).</summary>
    public int DateOffsetDays { get; init; }

    /// <summary>The original identity, for the vault (sealed into private metadata).</summary>
    public PatientIdentity Original { get; init; } = new("", "", "", "", "");

    /// <summary>Subject and session labels (and their parts after sub-/ses- when long enough to search for).</summary>
    public LeakCheck Identifiers { get; init; } = LeakCheck.None;

    /// <summary>The series key of an image: its source-relative path without the image suffix.</summary>
    public static string SeriesKey(string stem) => stem;

    /// <summary>The vault's identity of a subject: its keyed token and the subject as patient ID (no name or birth date).</summary>
    public static PatientIdentity OriginalOf(KeyedIdentity keys, string subject) =>
        new(keys.PatientToken(PatientKeyOf(subject)), "", subject, "", "");

    /// <summary>The patient key of a subject: a DICOM Patient ID without issuer.</summary>
    public static string PatientKeyOf(string subject) => "id:\0" + subject;

    /// <summary>The identity from the metadata <see cref="NiftiFilesStage"/> gave the image's file.</summary>
    public static NiftiIdentity Of(JsonElement metadata, KeyedIdentity keys, DeidPolicy policy, IReadOnlyDictionary<string, int>? numbers)
    {
        var subject = NiftiSourceStage.Text(metadata, "subject");
        var stem = NiftiSourceStage.Text(metadata, "stem");
        if (subject is null || stem is null) return new NiftiIdentity { Problem = "the image's file record has no subject or path (rebuild; the files stage makes them)" };
        var session = NiftiSourceStage.Text(metadata, "session");
        var patientKey = PatientKeyOf(subject);
        var token = keys.PatientToken(patientKey);
        int? number = null;
        if (policy.Pseudonym.IsSequential)
        {
            if (numbers is null || !numbers.TryGetValue(token, out var n))
                return new NiftiIdentity { Problem = "its subject has no sequential number in the vault's assignment table (the build numbers new subjects before it runs)" };
            number = n;
        }
        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { subject };
        if (session is not null) values.Add(session);
        foreach (var label in new[] { subject, session })
            if (label is not null && label.IndexOf('-') is var dash && dash > 0 && label.Length - dash - 1 >= 3)
                values.Add(label[(dash + 1)..]);
        return new NiftiIdentity
        {
            Subject = subject,
            Session = session,
            PatientKey = patientKey,
            Pseudonym = policy.Pseudonym.Write(token, number),
            StudyUid = keys.Uid("nifti-study\0" + subject + "\0" + (session ?? "")),
            SeriesUid = keys.Uid(SeriesKey(stem)),
            DateOffsetDays = policy.Has(DeidOption.RetainLongitudinalModifiedDates) ? keys.DateOffsetDays(patientKey, policy.MaxDateShiftDays) : 0,
            Original = OriginalOf(keys, subject),
            Identifiers = new LeakCheck(values, new HashSet<string>()),
        };
    }
}
