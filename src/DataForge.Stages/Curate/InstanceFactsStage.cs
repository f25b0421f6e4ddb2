using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// Map stage <c>curate.facts</c>: reads each original instance once (pixels included) and passes it through
/// unchanged, with metadata holding what the group checks key on (SOP, series and study UIDs, a study
/// fingerprint, a hash of the decoded pixels, geometry) and the findings of the checks that need one
/// instance only (conformance, protocol, image quality, consent, retention). The metadata stays in the
/// private store. A file that is not DICOM fails with the parser's reason and is quarantined.
/// </summary>
public sealed class InstanceFactsStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "curate.facts";

    /// <summary>Bump when the facts or findings of the same file and config change.</summary>
    public const int Version = 1;

    private readonly byte[]? _consentKey;

    /// <param name="sources">Ids of the DICOM sources.</param>
    /// <param name="checks">The thresholds and expectations of the <c>curate:</c> section (policies left out), with the consent list already hashed.</param>
    /// <param name="consentKey">The key the consent list was hashed with; null without a consent list.</param>
    /// <param name="screened">
    /// True when the sources are screened (<see cref="DicomScreening"/>): a file that is not DICOM, a DICOMDIR or a file
    /// that does not parse gets no output and no failure (its screen counts, excludes or fails it), and each instance
    /// carries the identifying parts of its path to the leak gate (the stage then reads its inputs' paths).
    /// </param>
    public InstanceFactsStage(IReadOnlyList<string> sources, JsonElement checks, byte[]? consentKey, bool screened = false)
    {
        _consentKey = consentKey;
        _screened = screened;
        Definition = new StageDefinition(Id, Version, StageShape.Map, sources, CanonicalJson.From(checks)) { ReadsInputPaths = screened };
    }

    private readonly bool _screened;

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        DicomFile file;
        var content = item.ReadAllBytes();
        if (_screened && DicomScreening.LeavesOut(content, content.Length)) return StageResult.Success();
        try
        {
            file = DicomReader.Read(content);
        }
        catch (DicomFormatException e)
        {
            return _screened ? StageResult.Success() : StageResult.Failed(ReadFailure.Describe(e));
        }
        if (_screened && Deidentify.MediaStorageDirectory.Is(file)) return StageResult.Success();
        var ds = file.Dataset;
        var config = input.Config;
        var findings = new List<Finding>();
        PixelSummary? pixels = null;
        if (ds.Contains(DicomTags.PixelData))
        {
            try { pixels = PixelSummary.Of(file); }
            catch (DicomFormatException e) { findings.Add(new Finding(CurationCheck.ImageQuality, "pixel data cannot be decoded: " + e.Reason)); }
        }
        else if (ds.Contains(DicomTags.Rows))
            findings.Add(new Finding(CurationCheck.ImageQuality, "empty image: Rows (0028,0010) but no Pixel Data (7FE0,0010)"));

        InstanceChecks.MetaHeader(file, findings);
        ConformanceCheck.Run(ds, findings);
        if (Section(config, CurationCheck.Protocol) is { } protocol) ProtocolCheck.Run(ds, protocol, findings);
        InstanceChecks.Quality(ds, pixels, Section(config, CurationCheck.ImageQuality) ?? default, findings);
        if (Section(config, CurationCheck.Consent) is { } consent) InstanceChecks.Consent(ds, _consentKey, consent, findings);
        if (Section(config, CurationCheck.Retention) is { } retention) InstanceChecks.Retention(ds, retention, findings);

        var hash = item.Hash.Hex;
        var metadata = CurationMetadata.Instance(file, hash, StudyKey(ds),
            // A constant image is not a re-export of another constant image: it is keyed on its own.
            pixels is { IsConstant: false } p ? p.Hash : "none:" + hash,
            IsLocalizer(ds), findings);
        return StageResult.Success(new StageOutput($"instances/{hash}.dcm", item, CarriedPathIdentifiers.Add(metadata, item, _screened)));
    }

    /// <summary>
    /// The same study exported twice under new UIDs keeps its patient, date, time and accession number:
    /// their hash groups the copies. Without a date and a time or accession number, the study UID alone.
    /// </summary>
    private static string StudyKey(DicomDataset ds)
    {
        string Get(DicomTag tag) => ds.GetString(tag)?.Trim() ?? "";
        var date = Get(DicomTags.StudyDate);
        var time = Get(DicomTags.StudyTime);
        var accession = Get(DicomTags.AccessionNumber);
        var text = date.Length > 0 && (time.Length > 0 || accession.Length > 0)
            ? $"study/1\n{Get(DicomTags.PatientID)}\n{date}\n{time}\n{accession}"
            : $"study-uid/1\n{Get(DicomTags.StudyInstanceUID)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>PS3.3 C.8.2.1.1.1 / C.8.3.1.1.1: Image Type names a localiser (scout) image.</summary>
    private static bool IsLocalizer(DicomDataset ds) =>
        ds.GetStrings(DicomTags.ImageType).Any(v => v.Trim().Equals("LOCALIZER", StringComparison.OrdinalIgnoreCase));

    private static JsonElement? Section(JsonElement config, string name) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.Object ? s : null;
}
