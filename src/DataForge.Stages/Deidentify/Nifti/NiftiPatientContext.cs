namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// What the NIfTI cleaners need to know about the patient a file belongs to: the pseudonym that replaces the
/// patient's name and ID, the patient's date shift in days (applied under retain-longitudinal-modified-dates
/// and by a <c>shift_date</c> override), the keyed UID and hash functions of the project secret, and the
/// identifiers free text must lose (subject and session labels, names in any form, IDs, accession numbers,
/// dates of birth). Identifiers found in the sidecar itself are added by the cleaners.
/// </summary>
/// <param name="Pseudonym">The patient's pseudonym.</param>
/// <param name="DateShiftDays">The patient's date offset in days (<see cref="KeyedIdentity.DateOffsetDays"/>).</param>
/// <param name="KeyedUid">Original UID to its keyed replacement (<see cref="KeyedIdentity.Uid"/>).</param>
/// <param name="Identifiers">Identifiers to scrub from kept text; names are also split into their components.</param>
public sealed record NiftiPatientContext(string Pseudonym, int DateShiftDays, Func<string, string> KeyedUid, IReadOnlyList<string> Identifiers)
{
    /// <summary>A keyed hash of a value, at most the given length (the <c>hash</c> override); null removes such values instead.</summary>
    public Func<string, int, string>? KeyedHash { get; init; }

    /// <summary>The context of a patient from the project's keys: the date shift and UIDs from the secret, as DICOM instances get them.</summary>
    /// <param name="keys">The project secret's keyed functions.</param>
    /// <param name="policy">The de-identification policy (its largest date shift).</param>
    /// <param name="patientKey">Who the patient is, as the date shift is keyed (e.g. the subject label's key).</param>
    /// <param name="pseudonym">The patient's pseudonym.</param>
    /// <param name="identifiers">Identifiers to scrub from kept text.</param>
    public static NiftiPatientContext For(KeyedIdentity keys, DeidPolicy policy, string patientKey, string pseudonym, IEnumerable<string> identifiers)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(policy);
        return new NiftiPatientContext(pseudonym, keys.DateOffsetDays(patientKey, policy.MaxDateShiftDays), keys.Uid, [.. identifiers])
        {
            KeyedHash = keys.Hash,
        };
    }
}
