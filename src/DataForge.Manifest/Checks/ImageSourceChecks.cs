using DataForge.Manifest.Model;

namespace DataForge.Manifest.Checks;

/// <summary>
/// The settings of NIfTI and Analyze 7.5 sources (<c>kind: nifti</c>, <c>kind: analyze</c>) and image sources: <c>subject</c>
/// and <c>modality</c> belong to them only, <c>fields</c> and <c>metadata</c> to image sources; <c>subject</c> must compile and capture a subject; and the
/// sections that read DICOM only (curation, the PNG and COCO layouts) say so instead of skipping them.
/// </summary>
public static class ImageSourceChecks
{
    /// <summary>Source kinds whose files are NIfTI or Analyze volumes.</summary>
    public static IReadOnlySet<string> VolumeKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "nifti", "analyze" };

    /// <summary>One diagnostic per problem.</summary>
    public static IReadOnlyList<ManifestDiagnostic> Run(DataForgeManifest m)
    {
        var problems = new List<ManifestDiagnostic>();
        void Report(string path, string message, bool atKey = false) =>
            problems.Add(new ManifestDiagnostic(m.FilePath, atKey ? m.Document.KeyAt(path) : m.Document.ValueAt(path), message));

        var volumes = new List<int>();
        for (var i = 0; i < m.Sources.Count; i++)
        {
            var s = m.Sources[i];
            var at = $"sources[{i}]";
            if (s.Kind != "dicom" && m.Document.Has(at + ".on_unreadable"))
                Report(at + ".on_unreadable", "'on_unreadable' is only for dicom sources (it decides whether a damaged DICOM file is excluded or fails the build)", atKey: true);
            if (s.Kind != "image")
            {
                if (s.Fields is not null) Report(at + ".fields", "'fields' is only for image sources (it says where an image's facts are in its sidecar)", atKey: true);
                if (s.Metadata is not null) Report(at + ".metadata", "'metadata' is only for image sources (a CSV table of their facts)", atKey: true);
            }
            if (s.Kind == "image")
            {
                if (s.Subject is { } expression)
                {
                    try { SubjectPattern.Parse(expression); }
                    catch (ArgumentException e) { Report(at + ".subject", $"{at}.subject: {e.Message}"); }
                }
                continue;
            }
            if (!VolumeKinds.Contains(s.Kind))
            {
                if (s.Subject is not null) Report(at + ".subject", $"'subject' is only for nifti, analyze and image sources; a {s.Kind} source names its patients in its headers", atKey: true);
                if (s.Modality is not null) Report(at + ".modality", $"'modality' is only for nifti, analyze and image sources", atKey: true);
                continue;
            }
            volumes.Add(i);
            if (s.Subject is { } subject)
            {
                try { SubjectPattern.Parse(subject); }
                catch (ArgumentException e) { Report(at + ".subject", $"{at}.subject: {e.Message}"); }
            }
        }
        if (volumes.Count == 0) return problems;
        var first = $"sources[{volumes[0]}]";
        if (m.Curate is not null)
            Report("curate", $"curate: checks DICOM sources; NIfTI and Analyze sources ({first} and any other) are not supported yet under curate:, remove the section or the source", atKey: true);
        if (m.Output.Layout is "png" or "coco")
            Report("output.layout", $"output.layout {m.Output.Layout} exports DICOM images; NIfTI and Analyze sources ({first}) are not supported yet in it (use nifti, nnunet or monai)");
        return problems;
    }
}
