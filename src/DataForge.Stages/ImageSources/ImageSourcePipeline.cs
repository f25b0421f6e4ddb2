using DataForge.Engine.Stages;
using DataForge.Manifest.Model;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// The stages of image sources (<c>kind: image</c>), called by <see cref="PipelineFactory"/> before the DICOM stages:
/// one <see cref="ImageFilesStage"/> per source, then <see cref="ImageSourceStage"/> over all of them, whose Secondary
/// Capture instances the DICOM stages read next to the DICOM sources' files.
/// </summary>
public static class ImageSourcePipeline
{
    /// <summary>Appends the stages; returns the ids the DICOM stages read for the images (none without image sources).</summary>
    public static IReadOnlyList<string> Add(DataForgeManifest manifest, List<IStage> stages, byte[]? secret)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stages);
        var sources = manifest.Sources.Where(s => s.Kind == "image").ToList();
        if (sources.Count == 0) return [];
        foreach (var source in sources) stages.Add(new ImageFilesStage(source, manifest.Deidentify is null ? null : secret));
        stages.Add(new ImageSourceStage(sources));
        return [ImageSourceStage.Id];
    }
}
