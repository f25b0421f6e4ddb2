using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Labels;
using DataForge.Stages.VolumeSources;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// The subjects of a manifest's image sources, read as <see cref="ImageSourceStage"/> reads them (fields.subject from
/// the sidecar or table row, else the path), in the private zone: what a <c>{seq:N}</c> pseudonym format needs to number
/// new patients before the build, like <see cref="NiftiSubjects"/> for NIfTI sources. A file that cannot be read is
/// skipped here: the build fails it with its reason.
/// </summary>
public static class ImageSubjects
{
    private static readonly string[] ImageExtensions = [".png", ".tif", ".tiff", ".bmp"];

    /// <summary>Every distinct subject of the images, as vault identities (a Patient ID without issuer), ordered by token.</summary>
    public static IReadOnlyList<PatientIdentity> Scan(DataForgeManifest manifest, KeyedIdentity keys)
    {
        var found = new HashSet<PatientIdentity>();
        foreach (var source in manifest.Sources.Where(s => s.Kind == "image"))
        {
            var spec = new EngineSource(source.Id, manifest.Resolve(source.Path!), source.Include, source.Exclude);
            if (!Directory.Exists(spec.Root)) continue;
            var fields = ImageFields.Of(source);
            var pattern = SubjectPattern.For(source);
            var rows = Rows(spec.Root, source.Metadata);
            foreach (var path in Directory.EnumerateFiles(spec.Root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(spec.Root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!spec.Contains(relative) || !ImageExtensions.Contains(Path.GetExtension(relative).ToLowerInvariant())) continue;
                var stem = ImageFilesStage.StemOf(relative);
                ImageSidecar? sidecar = null;
                try
                {
                    if (File.Exists(Path.Combine(spec.Root, stem + ".json"))) sidecar = ImageSidecar.Parse(File.ReadAllBytes(Path.Combine(spec.Root, stem + ".json")), xml: false);
                    else if (File.Exists(Path.Combine(spec.Root, stem + ".xml"))) sidecar = ImageSidecar.Parse(File.ReadAllBytes(Path.Combine(spec.Root, stem + ".xml")), xml: true);
                    else if (rows.TryGetValue(stem, out var row)) sidecar = ImageSidecar.OfRow(row);
                }
                catch (FormatException) { continue; }
                if (fields.Read(sidecar, relative, pattern, source.Modality, out _) is { } facts)
                    found.Add(NiftiIdentity.OriginalOf(keys, facts.Subject));
            }
        }
        return found.OrderBy(p => p.Token, StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Rows(string root, string? table)
    {
        var rows = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (table is null || !File.Exists(Path.Combine(root, table))) return rows;
        try
        {
            foreach (var row in LabelTable.ParseCsv(File.ReadAllBytes(Path.Combine(root, table))).Rows)
                if (row.Fields.TryGetValue(ImageFilesStage.FileColumn, out var file))
                    rows.TryAdd(ImageFilesStage.StemOf(file.Trim().Replace('\\', '/')), row.Fields);
        }
        catch (FormatException) { }
        return rows;
    }
}
