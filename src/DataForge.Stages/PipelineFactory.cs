using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using DataForge.Manifest.Model;
using DataForge.Stages.Curate;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Dicom;
using DataForge.Stages.VolumeSources;
using EngineSource = DataForge.Engine.Sources.SourceSpec;

namespace DataForge.Stages;

/// <summary>Turns a validated manifest into the engine's pipeline: its sources and the stages the manifest asks for, in order.</summary>
public static class PipelineFactory
{
    /// <summary>The store and output folders of a manifest's project.</summary>
    public static StoreLayout Layout(DataForgeManifest manifest) =>
        new(Path.GetFullPath(manifest.BaseDirectory), manifest.Resolve(manifest.Output.Path));

    /// <summary>The stages whose outputs' metadata carry sealed patient identities, for the vault.</summary>
    public static IReadOnlyList<string> IdentityStages { get; } = [DeidentifyStage.Id, NiftiSourceStage.Id];

    /// <summary>True when the pipeline needs the project secret.</summary>
    public static bool NeedsSecret(DataForgeManifest manifest) => manifest.Deidentify is not null || manifest.Curate?["consent"] is not null;

    /// <summary>
    /// The pipeline; the manifest has passed validation, so every section in it is supported. Without
    /// <c>deidentify:</c> the DICOM sources are only indexed (headers); with it, each instance is
    /// de-identified and published, and its metadata carries the header facts downstream.
    /// </summary>
    /// <param name="manifest">The validated manifest.</param>
    /// <param name="secret">The project secret (needed with <c>deidentify:</c>).</param>
    /// <param name="pseudonymNumbers">The vault's assignment table, for a <c>{seq:N}</c> pseudonym format (<see cref="VaultKeeper"/>).</param>
    public static Pipeline Create(DataForgeManifest manifest, byte[]? secret = null, IReadOnlyDictionary<string, int>? pseudonymNumbers = null) =>
        Create(manifest, DeidPolicy.Of(manifest), secret, pseudonymNumbers);

    /// <summary>The pipeline of a manifest whose <c>deidentify:</c> section the caller bound once (<see cref="DeidPolicy.Of"/>).</summary>
    public static Pipeline Create(DataForgeManifest manifest, DeidPolicy? policy, byte[]? secret, IReadOnlyDictionary<string, int>? pseudonymNumbers)
    {
        var sources = manifest.Sources
            .Select(s => s.Kind == "labels" ? LabelPipeline.Source(manifest, s) : new EngineSource(s.Id, manifest.Resolve(s.Path!), s.Include, s.Exclude))
            .ToList();
        var stages = new List<IStage>();
        var dicom = manifest.Sources.Where(s => s.Kind == "dicom").Select(s => s.Id).ToList();
        var screened = dicom.Count > 0;
        // Image sources (PNG, TIFF, BMP) become Secondary Capture instances that the DICOM stages read beside the DICOM files.
        var images = ImageSources.ImageSourcePipeline.Add(manifest, stages, secret);
        dicom.AddRange(images);
        if (dicom.Count > 0)
        {
            // Screens beside the sources: files that are not DICOM, DICOMDIRs and (by on_unreadable) damaged files are
            // counted, excluded or failed there; the stages reading the sources leave them out.
            if (screened) DicomScreening.Add(stages, manifest.Sources.Where(s => s.Kind == "dicom"));
            var sourceIds = dicom.ToList();
            // Curation reads the original sources; what it keeps goes on in their place.
            if (manifest.Curate is { } curate) dicom = CurationPipeline.Add(stages, curate, dicom, manifest.Resolve, secret, screened: true).ToList();
            var readsSources = dicom.SequenceEqual(sourceIds);
            if (policy is not null)
            {
                var layout = manifest.Output.Layout;
                dicom = VisualFeaturesPipeline.Add(stages, policy, dicom, readsSources).ToList();
                readsSources = dicom.SequenceEqual(sourceIds);
                stages.Add(new DeidentifyStage(dicom, policy, secret ?? throw new ArgumentNullException(nameof(secret), "de-identification needs the project secret"),
                    publish: layout == "dicom", numbers: pseudonymNumbers, screened: true, readsSourcePaths: readsSources));
            }
            else stages.Add(new DicomHeaderStage(dicom, screened: true));
        }
        // NIfTI and Analyze sources: their files checked, and with deidentify: made into de-identified volumes.
        NiftiSourcePipeline.Add(manifest, policy, stages, secret, pseudonymNumbers);
        if (policy is not null && NiftiSourcePipeline.DeidentifiedInputs(stages) is { Count: > 0 } deidentified)
        {
            stages.Add(new DeidentificationReportStage(policy, deidentified, screened: screened, sourceCounts: images));
            // Layout nifti: one volume per de-identified series, nifti/PSEUDONYM/SERIES.nii.gz, after the harmonise steps.
            HarmonisePipeline.Add(manifest, stages);
            // Layouts png and coco: one PNG per 2D image (or slice), png/PSEUDONYM/STUDY/SERIES/SOP.png.
            if (dicom.Count > 0) PngPipeline.Add(manifest, stages);
            LabelPipeline.Add(manifest, policy, stages, secret!, pseudonymNumbers);
            if (dicom.Count > 0) PngPipeline.AddRendering(manifest, stages);
            if (dicom.Count > 0) PngPipeline.AddCocoExport(manifest, stages);
        }
        return new Pipeline(sources, stages);
    }
}
