using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Sources;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The patients of the sources, read from the DICOM headers (private zone only): what a <c>{seq:N}</c>
/// pseudonym format needs to number new patients before the deidentify stage runs.
/// </summary>
public static class PseudonymDirectory
{
    /// <summary>Every distinct patient identity in the DICOM files of the sources, ordered by token; unreadable files are counted.</summary>
    public static (IReadOnlyList<PatientIdentity> Patients, int Unreadable) Scan(IEnumerable<SourceSpec> sources, KeyedIdentity keys)
    {
        var found = new HashSet<PatientIdentity>();
        var unreadable = 0;
        foreach (var source in sources)
        {
            if (!Directory.Exists(source.Root)) continue;
            foreach (var path in Directory.EnumerateFiles(source.Root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source.Root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!source.Contains(relative)) continue;
                DicomDataset ds;
                try
                {
                    var file = DicomFile.OpenHeader(path);
                    // A DICOMDIR is never published (MediaStorageDirectory): it names no patient of the dataset.
                    if (MediaStorageDirectory.Is(file)) continue;
                    ds = file.Dataset;
                }
                catch (Exception e) when (e is DicomFormatException or IOException or UnauthorizedAccessException) { unreadable++; continue; }
                found.Add(new PatientIdentity(keys.PatientToken(Deidentifier.PatientKey(ds)), Text(ds, DicomTags.IssuerOfPatientID),
                    Text(ds, DicomTags.PatientID), Text(ds, DicomTags.PatientName), Text(ds, DicomTags.PatientBirthDate)));
            }
        }
        return (found.OrderBy(p => p.Token, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.BirthDate, StringComparer.Ordinal).ToList(), unreadable);
    }

    private static string Text(DicomDataset ds, DicomTag tag) => ds.GetString(tag)?.Trim() ?? "";
}
