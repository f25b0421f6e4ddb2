using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Map stage <c>deidentify</c>: each DICOM instance of the sources through the <see cref="Deidentifier"/>
/// and the <see cref="LeakGate"/>, published as <c>dicom/PSEUDONYM/STUDY/SERIES/SOP.dcm</c> (new UIDs;
/// nothing in the path comes from the input's names). Its metadata are the header facts of the
/// de-identified instance plus the pseudonym, for the stages after it, and (unless <c>mode: anonymise</c>)
/// the patient's original identity sealed for the vault (<see cref="SealedIdentity"/>), which the build
/// collects after the stage has run (<see cref="VaultKeeper"/>): the stage itself stays pure and never
/// touches the vault. A file that is not DICOM, or whose output would leak, fails with the reason and is quarantined.
/// </summary>
public sealed class DeidentifyStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "deidentify";

    /// <summary>Bump when the output of the same input, policy and secret changes.</summary>
    public const int Version = 6;

    private readonly Deidentifier _deidentifier;
    private readonly KeyedIdentity _keys;
    private readonly bool _seal;
    private readonly PixelCleaner? _pixels;

    /// <param name="sources">Ids of the DICOM sources.</param>
    /// <param name="policyConfig">The manifest's <c>deidentify:</c> section.</param>
    /// <param name="secret">The project secret.</param>
    /// <param name="publish">True when the de-identified DICOM files are part of the output (layout <c>dicom</c>).</param>
    /// <param name="numbers">For a <c>{seq:N}</c> pseudonym format: each patient token's number, from the vault.</param>
    public DeidentifyStage(IReadOnlyList<string> sources, JsonElement policyConfig, byte[] secret, bool publish = true,
        IReadOnlyDictionary<string, int>? numbers = null)
    {
        var policy = DeidPolicy.From(policyConfig);
        var keys = new KeyedIdentity(secret);
        var table = policy.Pseudonym.IsSequential ? new SortedDictionary<string, int>(numbers?.ToDictionary() ?? [], StringComparer.Ordinal) : null;
        _deidentifier = new Deidentifier(policy, keys, table);
        _keys = keys;
        _seal = !policy.Anonymise;
        _pixels = policy.Has("clean-pixel-data") ? PixelCleaner.From(policyConfig) : null;
        // The secret enters the action key through its fingerprint only: a new secret reruns the stage.
        // A sequential format makes the assignment table (tokens and numbers, no identity) an input too.
        var settings = new Dictionary<string, object>
        {
            ["policy"] = policyConfig,
            ["secret_fingerprint"] = keys.Fingerprint,
        };
        if (table is not null) settings["numbers"] = table;
        var config = CanonicalJson.Parse(JsonSerializer.Serialize(settings));
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources, config) { Publish = publish };
    }

    public StageDefinition Definition { get; }

    /// <summary>The metadata property that carries the sealed original identity.</summary>
    public const string SealedIdentityProperty = "sealed_identity";

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            file = DicomReader.Read(input.Item.ReadAllBytes());
        }
        catch (DicomFormatException e)
        {
            return StageResult.Failed(ReadFailure.Describe(e));
        }
        // Clean Pixel Data (PS3.15 E.3.1): the rectangles of every burned_in_regions rule that covers the
        // instance are blanked before anything else, from the original header (manufacturer, model).
        var cleaned = false;
        if (_pixels?.Matching(file.Dataset) is { Count: > 0 } rules)
        {
            if (PixelCleaner.Blank(file, rules) is { } problem) return StageResult.Failed("excluded: " + problem);
            cleaned = true;
        }
        // PS3.3 C.7.6.1.1.7: the pixels carry identifying text. Unless a rule cleaned them, such an
        // instance is excluded and reported, never passed through.
        if (!cleaned && string.Equals(file.Dataset.GetString(DicomTags.BurnedInAnnotation)?.Trim(), "YES", StringComparison.OrdinalIgnoreCase))
            return StageResult.Failed(_pixels is null
                ? "excluded: Burned In Annotation is YES; add clean-pixel-data with a burned_in_regions rule for its device to include it"
                : "excluded: Burned In Annotation is YES and no burned_in_regions rule covers its modality, manufacturer, model and size");
        DeidResult result;
        try
        {
            result = _deidentifier.Apply(file);
        }
        catch (DeidentificationException e)
        {
            return StageResult.Failed("cannot be de-identified: " + e.Message);
        }
        if (cleaned) result.File.Dataset.Add(DicomTags.BurnedInAnnotation, "NO");
        if (LeakGate.Check(result.File, result.RemovedIdentifiers) is { } leak) return StageResult.Failed(leak);

        var ds = result.File.Dataset;
        var bytes = result.File.ToBytes();
        var path = $"dicom/{result.Pseudonym}/{ds.GetString(DicomTags.StudyInstanceUID) ?? "no-study"}/" +
                   $"{ds.GetString(DicomTags.SeriesInstanceUID) ?? "no-series"}/{ds.GetString(DicomTags.SOPInstanceUID)}.dcm";
        // Paths are built from the pseudonym and new UIDs only; checked all the same, like the bytes.
        if (result.RemovedIdentifiers.Values.Concat(result.RemovedIdentifiers.NameParts)
            .Any(v => path.Contains(v, StringComparison.OrdinalIgnoreCase)))
            return StageResult.Failed("leak gate: a removed identifier appears in the output's path");
        var facts = HeaderFacts.ToJson(result.File, json =>
        {
            json.WriteString("pseudonym", result.Pseudonym);
            if (_seal) json.WriteString(SealedIdentityProperty, SealedIdentity.Seal(_keys, result.Identity));
            json.WriteStartObject(DeidentificationReportStage.CountsProperty);
            foreach (var (attribute, outcomes) in result.Counts)
            {
                json.WriteStartObject(attribute);
                foreach (var (outcome, n) in outcomes) json.WriteNumber(outcome, n);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        });
        return StageResult.Success(new StageOutput(path, bytes, JsonDocument.Parse(facts).RootElement.Clone()));
    }
}
