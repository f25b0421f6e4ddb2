using System.Globalization;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Free text under the C action (Clean Descriptors, Clean Structured Content, Clean Graphics): the identifiers it is
/// cleaned of, the cleaning itself, and writing the result in the instance's character set.
/// </summary>
internal static class FreeText
{
    /// <summary>What replaces an identifier in cleaned text.</summary>
    public const string ScrubMark = "XXXX";

    /// <summary>
    /// Writes text DataForge made in the character set in force (ISO 2022 escape sequences included); when that
    /// set cannot hold it, the instance is re-encoded as a whole (<see cref="UnicodeNeededException"/>).
    /// </summary>
    public static void Write(DicomDataset ds, DicomTag tag, DicomVR vr, params string[] values)
    {
        if (!vr.UsesSpecificCharacterSet)
        {
            ds.Add(tag, vr, values);
            return;
        }
        if (!ds.CharacterSet.TryEncode(string.Join('\\', values), out var bytes)) throw new UnicodeNeededException();
        ds.Add(new DicomElement(tag, vr, DummyValues.Padded(bytes, vr.PaddingByte)));
    }

    /// <summary>Text to write is outside the instance's character set; <see cref="Deidentifier.Apply(DicomFile)"/> re-encodes the instance.</summary>
    public sealed class UnicodeNeededException : Exception;

    /// <summary>Every occurrence of each identifier, in the order given, case ignored, replaced by <see cref="ScrubMark"/>.</summary>
    public static string Scrub(string text, IReadOnlyList<string> known)
    {
        foreach (var identifier in known)
        {
            var at = text.IndexOf(identifier, StringComparison.OrdinalIgnoreCase);
            while (at >= 0)
            {
                text = text[..at] + ScrubMark + text[(at + identifier.Length)..];
                at = text.IndexOf(identifier, at + ScrubMark.Length, StringComparison.OrdinalIgnoreCase);
            }
        }
        return text;
    }

    /// <summary>Names, IDs and the birth date of the patient, in the forms free text writes them, for cleaning descriptors.</summary>
    public static List<string> KnownIdentifiers(DicomDataset ds)
    {
        var known = new List<string>();
        foreach (var tag in new[] { DicomTags.PatientName, DicomTags.OtherPatientNames, DicomTags.PatientBirthName, DicomTags.PatientMotherBirthName })
            foreach (var name in ds.GetStrings(tag))
                known.AddRange(name.Split('^', '=').Select(p => p.Trim()).Where(p => p.Length >= 2));
        foreach (var tag in new[] { DicomTags.PatientID, DicomTags.AccessionNumber, DicomTags.OtherPatientIDs })
            known.AddRange(ds.GetStrings(tag).Select(v => v.Trim()).Where(v => v.Length >= 2));
        known.AddRange(ContentCleaning.PersonNameParts(ds));
        if (ds.GetString(DicomTags.PatientBirthDate)?.Trim() is { Length: 8 } birth
            && DateOnly.TryParseExact(birth, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var b))
            known.AddRange([birth, b.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), b.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
                b.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), b.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture)]);
        return known.Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(k => k.Length).ToList();
    }
}
