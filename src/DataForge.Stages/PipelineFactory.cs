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
    /// <summary>The store and output folders of a manifest's project (objects in the shared store of <c>store:</c>, when given).</summary>
    public static StoreLayout Layout(DataForgeManifest manifest) =>
        new(Path.GetFullPath(manifest.BaseDirectory), manifest.Resolve(manifest.Output.Path), manifest.Store is { } store ? manifest.Resolve(store) : null);

    /// <summary>True for a source of DICOM instances: a folder (<c>dicom</c>) or a DICOMweb server's cache (<c>dicomweb</c>).</summary>
    public static bool IsDicom(SourceSpec source) => source.Kind is "dicom" or "dicomweb";

    /// <summary>
    /// The folder a DICOMweb source's pulls fill (<c>.dataforge/pacs/SOURCE/objects</c>, instances named by their SHA-256):
    /// the build reads it as a folder source, so everything downstream is the same as for a <c>dicom</c> source.
    /// </summary>
    public static string DicomWebObjects(StoreLayout layout, string sourceId) => Path.Combine(layout.StateRoot, "pacs", sourceId, "objects");

    /// <summary>The engine's source of a manifest source; a DICOMweb source reads its cache through its pin (<paramref name="pins"/>; nothing without one).</summary>
    public static EngineSource SourceOf(DataForgeManifest manifest, SourceSpec s, Func<string, Func<string, Engine.Hashing.ContentHash, bool>>? pins = null) => s.Kind switch
    {
        "labels" => LabelPipeline.Source(manifest, s),
        "dicomweb" => new EngineSource(s.Id, DicomWebObjects(Layout(manifest), s.Id)) { Pin = pins?.Invoke(s.Id) ?? ((_, _) => false) },
        _ => new EngineSource(s.Id, manifest.Resolve(s.Path!), s.Include, s.Exclude),
    };

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
    /// <param name="manifest">The validated manifest.</param>
    /// <param name="policy">Its <c>deidentify:</c> section, bound once.</param>
    /// <param name="secret">The project secret.</param>
    /// <param name="pseudonymNumbers">The vault's assignment table of a <c>{seq:N}</c> format.</param>
    /// <param name="pins">Source id -> the filter of a DICOMweb source's cache: the instances its last pull pinned.</param>
    public static Pipeline Create(DataForgeManifest manifest, DeidPolicy? policy, byte[]? secret, IReadOnlyDictionary<string, int>? pseudonymNumbers,
        Func<string, Func<string, Engine.Hashing.ContentHash, bool>>? pins = null)
    {
        var sources = manifest.Sources.Select(s => SourceOf(manifest, s, pins)).ToList();
        var stages = new List<IStage>();
        var dicom = manifest.Sources.Where(IsDicom).Select(s => s.Id).ToList();
        var screened = dicom.Count > 0;
        // Image sources (PNG, TIFF, BMP) become Secondary Capture instances that the DICOM stages read beside the DICOM files.
        var images = ImageSources.ImageSourcePipeline.Add(manifest, stages, secret);
        dicom.AddRange(images);
        // What the deidentify stage reads: the report counts per SOP class what reached it and was not published.
        IReadOnlyList<string> deidentifyInputs = [];
        if (dicom.Count > 0)
        {
            // Screens beside the sources: files that are not DICOM, DICOMDIRs and (by on_unreadable) damaged files are
            // counted, excluded or failed there; the stages reading the sources leave them out.
            if (screened) DicomScreening.Add(stages, manifest.Sources.Where(IsDicom));
            var sourceIds = dicom.ToList();
            // Curation reads the original sources; what it keeps goes on in their place.
            if (manifest.Curate is { } curate) dicom = CurationPipeline.Add(stages, curate, dicom, manifest.Resolve, secret, screened: true).ToList();
            var readsSources = dicom.SequenceEqual(sourceIds);
            if (policy is not null)
            {
                var layout = manifest.Output.Layout;
                dicom = VisualFeaturesPipeline.Add(stages, policy, dicom, readsSources).ToList();
                readsSources = dicom.SequenceEqual(sourceIds);
                deidentifyInputs = dicom;
                stages.Add(new DeidentifyStage(dicom, policy, secret ?? throw new ArgumentNullException(nameof(secret), "de-identification needs the project secret"),
                    publish: layout == "dicom", numbers: pseudonymNumbers, screened: true, readsSourcePaths: readsSources));
            }
            else stages.Add(new DicomHeaderStage(dicom, screened: true));
        }
        // NIfTI and Analyze sources: their files checked, and with deidentify: made into de-identified volumes.
        NiftiSourcePipeline.Add(manifest, policy, stages, secret, pseudonymNumbers);
        if (policy is not null && NiftiSourcePipeline.DeidentifiedInputs(stages) is { Count: > 0 } deidentified)
        {
            stages.Add(new DeidentificationReportStage(policy, deidentified, screened: screened, deidentifyInputs: deidentifyInputs, sourceCounts: images));
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
