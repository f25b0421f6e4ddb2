using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages.VolumeSources;

/// <summary>
/// The subjects of a manifest's NIfTI and Analyze sources, read from the image paths as
/// <see cref="NiftiFilesStage"/> reads them (private zone only): what a <c>{seq:N}</c> pseudonym format needs
/// to number new subjects before the build, like <see cref="PseudonymDirectory"/> for DICOM headers.
/// </summary>
public static class NiftiSubjects
{
    /// <summary>Every distinct subject of the images of the NIfTI and Analyze sources, as vault identities, ordered by token.</summary>
    public static IReadOnlyList<PatientIdentity> Scan(DataForgeManifest manifest, KeyedIdentity keys)
    {
        var found = new HashSet<PatientIdentity>();
        foreach (var source in manifest.Sources.Where(s => ImageSourceChecks.VolumeKinds.Contains(s.Kind)))
        {
            var spec = new EngineSource(source.Id, manifest.Resolve(source.Path!), source.Include, source.Exclude);
            if (!Directory.Exists(spec.Root)) continue;
            var pattern = SubjectPattern.For(source);
            foreach (var path in Directory.EnumerateFiles(spec.Root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(spec.Root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!spec.Contains(relative)) continue;
                if (NiftiFiles.Classify(relative).Role is not (NiftiFileRole.Single or NiftiFileRole.Header)) continue;
                if (pattern.Match(relative) is not { } who) continue;
                found.Add(NiftiIdentity.OriginalOf(keys, who.Subject));
            }
        }
        return found.OrderBy(p => p.Token, StringComparer.Ordinal).ToList();
    }
}
