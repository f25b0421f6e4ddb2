using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Sources;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Re-identification from the sources and the project secret: reads the patient identity of every DICOM
/// file of the sources (headers only) and computes its pseudonym exactly as de-identification does.
/// It reads only the private zone (sources) and is for the data controller, with the secret.
/// </summary>
public static class PseudonymDirectory
{
    /// <summary>One patient: pseudonym and the original identity, with the number of files seen.</summary>
    public sealed record Entry(string Pseudonym, string Issuer, string PatientId, string PatientName, string BirthDate, int Files);

    /// <summary>The pseudonym of a patient ID (with its issuer, as in Issuer of Patient ID).</summary>
    public static string PseudonymOf(KeyedIdentity keys, string prefix, string patientId, string issuer = "") =>
        keys.Pseudonym("id:" + issuer.Trim() + "\0" + patientId.Trim(), prefix);

    /// <summary>Every patient in the DICOM files of the sources, ordered by pseudonym; unreadable files are counted.</summary>
    public static (IReadOnlyList<Entry> Patients, int Unreadable) Scan(IEnumerable<SourceSpec> sources, KeyedIdentity keys, string prefix)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var unreadable = 0;
        foreach (var source in sources)
        {
            if (!Directory.Exists(source.Root)) continue;
            foreach (var path in Directory.EnumerateFiles(source.Root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source.Root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!source.Contains(relative)) continue;
                DicomDataset ds;
                try { ds = DicomFile.OpenHeader(path).Dataset; }
                catch (Exception e) when (e is DicomFormatException or IOException or UnauthorizedAccessException) { unreadable++; continue; }
                var pseudonym = keys.Pseudonym(Deidentifier.PatientKey(ds), prefix);
                entries[pseudonym] = entries.TryGetValue(pseudonym, out var known)
                    ? known with { Files = known.Files + 1 }
                    : new Entry(pseudonym, Text(ds, DicomTags.IssuerOfPatientID), Text(ds, DicomTags.PatientID),
                        Text(ds, DicomTags.PatientName), Text(ds, DicomTags.PatientBirthDate), 1);
            }
        }
        return (entries.Values.OrderBy(e => e.Pseudonym, StringComparer.Ordinal).ToList(), unreadable);
    }

    private static string Text(DicomDataset ds, DicomTag tag) => ds.GetString(tag)?.Trim() ?? "";
}
