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
/// de-identified instance plus the pseudonym, for the stages after it. A file that is not DICOM, or
/// whose output would leak, fails with the reason and is quarantined.
/// </summary>
public sealed class DeidentifyStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "deidentify";

    /// <summary>Bump when the output of the same input, policy and secret changes.</summary>
    public const int Version = 1;

    private readonly Deidentifier _deidentifier;

    /// <param name="sources">Ids of the DICOM sources.</param>
    /// <param name="policyConfig">The manifest's <c>deidentify:</c> section.</param>
    /// <param name="secret">The project secret.</param>
    /// <param name="publish">True when the de-identified DICOM files are part of the output (layout <c>dicom</c>).</param>
    public DeidentifyStage(IReadOnlyList<string> sources, JsonElement policyConfig, byte[] secret, bool publish = true)
    {
        var policy = DeidPolicy.From(policyConfig);
        var keys = new KeyedIdentity(secret);
        _deidentifier = new Deidentifier(policy, keys);
        // The secret enters the action key through its fingerprint only: a new secret reruns the stage.
        var config = CanonicalJson.Parse(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["policy"] = policyConfig,
            ["secret_fingerprint"] = keys.Fingerprint,
        }));
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources, config) { Publish = publish };
    }

    public StageDefinition Definition { get; }

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
        // PS3.3 C.7.6.1.1.7: the pixels carry identifying text. Until pixel cleaning exists, such an
        // instance is excluded and reported, never passed through.
        if (string.Equals(file.Dataset.GetString(DicomTags.BurnedInAnnotation)?.Trim(), "YES", StringComparison.OrdinalIgnoreCase))
            return StageResult.Failed("excluded: Burned In Annotation is YES and pixel cleaning (clean-pixel-data) is not built yet");
        DeidResult result;
        try
        {
            result = _deidentifier.Apply(file);
        }
        catch (DeidentificationException e)
        {
            return StageResult.Failed("cannot be de-identified: " + e.Message);
        }
        if (LeakGate.Check(result.File, result.RemovedIdentifiers) is { } leak) return StageResult.Failed(leak);

        var ds = result.File.Dataset;
        var bytes = result.File.ToBytes();
        var path = $"dicom/{result.Pseudonym}/{ds.GetString(DicomTags.StudyInstanceUID) ?? "no-study"}/" +
                   $"{ds.GetString(DicomTags.SeriesInstanceUID) ?? "no-series"}/{ds.GetString(DicomTags.SOPInstanceUID)}.dcm";
        // Paths are built from the pseudonym and new UIDs only; checked all the same, like the bytes.
        if (result.RemovedIdentifiers.Values.Concat(result.RemovedIdentifiers.NameParts)
            .Any(v => path.Contains(v, StringComparison.OrdinalIgnoreCase)))
            return StageResult.Failed("leak gate: a removed identifier appears in the output's path");
        var facts = HeaderFacts.ToJson(result.File, json => json.WriteString("pseudonym", result.Pseudonym));
        return StageResult.Success(new StageOutput(path, bytes, JsonDocument.Parse(facts).RootElement.Clone()));
    }
}
