using DataForge.Engine;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using DataForge.Manifest.Model;
using DataForge.Stages.Dicom;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages;

/// <summary>Turns a validated manifest into the engine's pipeline: its sources and the stages the manifest asks for, in order.</summary>
public static class PipelineFactory
{
    /// <summary>The store and output folders of a manifest's project.</summary>
    public static StoreLayout Layout(DataForgeManifest manifest) =>
        new(Path.GetFullPath(manifest.BaseDirectory), manifest.Resolve(manifest.Output.Path));

    /// <summary>The pipeline; the manifest has passed validation, so every section in it is supported.</summary>
    public static Pipeline Create(DataForgeManifest manifest)
    {
        var sources = manifest.Sources
            .Select(s => new EngineSource(s.Id, manifest.Resolve(s.Path!), s.Include, s.Exclude))
            .ToList();
        var stages = new List<IStage>();
        var dicom = manifest.Sources.Where(s => s.Kind == "dicom").Select(s => s.Id).ToList();
        if (dicom.Count > 0) stages.Add(new DicomHeaderStage(dicom));
        return new Pipeline(sources, stages);
    }
}
