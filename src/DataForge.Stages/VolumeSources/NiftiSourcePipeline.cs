using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;

namespace DataForge.Stages.VolumeSources;

/// <summary>
/// The stages of NIfTI and Analyze 7.5 sources (<c>kind: nifti</c>, <c>kind: analyze</c>), called by
/// <see cref="PipelineFactory"/> after the DICOM stages: one <see cref="NiftiFilesStage"/> per source (every
/// file read and checked where its path is known); with <c>deidentify:</c>, the <see cref="NiftiSourceStage"/>
/// over all of them, whose items the volume, labels and splits stages read next to the deidentify stage's.
/// </summary>
public static class NiftiSourcePipeline
{
    /// <summary>True when the manifest has a NIfTI or Analyze source.</summary>
    public static bool HasSources(DataForgeManifest manifest) => manifest.Sources.Any(s => ImageSourceChecks.VolumeKinds.Contains(s.Kind));

    /// <summary>Appends the stages of the manifest's NIfTI and Analyze sources (none when it has none).</summary>
    public static void Add(DataForgeManifest manifest, DeidPolicy? policy, List<IStage> stages, byte[]? secret, IReadOnlyDictionary<string, int>? pseudonymNumbers)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        var files = new List<string>();
        for (var i = 0; i < manifest.Sources.Count; i++)
        {
            if (!ImageSourceChecks.VolumeKinds.Contains(manifest.Sources[i].Kind)) continue;
            var stage = new NiftiFilesStage(manifest.Sources[i], i, manifest.Deidentify is null ? null : secret);
            stages.Add(stage);
            files.Add(stage.Definition.Id);
        }
        if (files.Count == 0 || policy is null) return;
        stages.Add(new NiftiSourceStage(files, policy, secret ?? throw new ArgumentNullException(nameof(secret), "de-identification needs the project secret"), pseudonymNumbers));
    }

    /// <summary>
    /// The stages whose items are de-identified images carrying pseudonyms and new UIDs, in pipeline order:
    /// the deidentify stage (DICOM) and the NIfTI sources' stage, those of them that <paramref name="stages"/> holds.
    /// </summary>
    public static IReadOnlyList<string> DeidentifiedInputs(IEnumerable<IStage> stages) =>
        stages.Select(s => s.Definition.Id).Where(id => id is DeidentifyStage.Id or NiftiSourceStage.Id).ToList();
}
