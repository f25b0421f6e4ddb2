using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Volumes;

/// <summary>
/// Group stage <c>volume</c>: the de-identified instances of one series (grouped on
/// <c>series_instance_uid</c>) stacked by <see cref="SeriesVolumeBuilder.BuildAll"/>, one volume per
/// sub-series (a series mixing echoes, acquisitions or orientations gives several, named by suffix).
/// Published (when no harmonise step follows) as <c>nifti/PSEUDONYM/SERIES_UID[suffix].nii.gz</c> with its
/// BIDS-style sidecar, both named from the upstream metadata, never from file names; else handed on as
/// uncompressed NIfTI. Metadata: see <see cref="VolumeOutput"/>, plus the stacking report. A series that
/// cannot be stacked fails with the builder's reason; one failing sub-series fails the series.
/// The de-identified volumes of NIfTI and Analyze sources (the NIfTI-source stage, <see cref="NiftiVolumes"/>) come
/// through the same stage, one per series, and are emitted as they are.
/// </summary>
public sealed class VolumeStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "volume";

    /// <summary>Bump when the output of the same series and config changes.</summary>
    /// <remarks>
    /// 6: a volume of lossy-compressed slices carries lossy_compression (metadata, sidecar); with skipped 2D modalities,
    /// Secondary Capture series are skipped too (the png layout renders them as 2D images).
    /// </remarks>
    public const int Version = 6;

    private readonly NiftiWriteOptions _options;
    private readonly bool _publish;
    private readonly IReadOnlySet<string>? _skip;

    /// <summary>
    /// A stage reading <paramref name="inputs"/> (by default the deidentify stage) and writing gzip NIfTI at
    /// <paramref name="compressionLevel"/> when it <paramref name="publish"/>es, else uncompressed NIfTI for the next stage.
    /// Series of the <paramref name="skipModalities"/> give no volume (the png layout makes their 2D images with
    /// <see cref="Image2DStage"/>).
    /// </summary>
    public VolumeStage(IReadOnlyList<string>? inputs = null, int compressionLevel = 6, bool publish = true, IReadOnlySet<string>? skipModalities = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 9);
        _options = new NiftiWriteOptions { CompressionLevel = compressionLevel };
        _publish = publish;
        var config = CanonicalJson.FromObject(new Dictionary<string, object>
        {
            ["format"] = publish ? "nifti1-gz" : "nifti1",
            ["compression_level"] = compressionLevel,
            ["gap_tolerance"] = SeriesVolumeBuilder.GapTolerance,
        });
        if (skipModalities is { Count: > 0 })
        {
            _skip = skipModalities;
            var withSkip = System.Text.Json.Nodes.JsonNode.Parse(config.Text)!.AsObject();
            withSkip["skip_modalities"] = new JsonArray(skipModalities.Order(StringComparer.Ordinal).Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
            config = CanonicalJson.Parse(withSkip.ToJsonString());
        }
        Definition = new StageDefinition(Id, Version, StageShape.Group, inputs ?? ["deidentify"], config)
        {
            GroupBy = "series_instance_uid",
            Publish = publish,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        // A volume made from a NIfTI or Analyze source is already one volume: it is handed on as it is.
        if (input.Items.Any(NiftiVolumes.IsSourceVolume)) return NiftiVolumes.Emit(input, _publish, Id, _options);
        var pseudonyms = input.Items.Select(i => Text(i, "pseudonym")).Distinct().ToList();
        if (pseudonyms is not [{ } pseudonym]) return StageResult.Failed("the series' instances do not carry one pseudonym in their metadata");
        if (_skip is not null && ((Text(input.Items[0], "modality") is { } modality && _skip.Contains(modality))
                || SecondaryCaptureClasses.Contains(Text(input.Items[0], "sop_class_uid")))) return StageResult.Success();
        var series = Text(input.Items[0], "series_instance_uid");
        if (series is null) return StageResult.Failed("the series' instances carry no series_instance_uid in their metadata");
        if (StageOutput.CheckPath($"nifti/{pseudonym}/{series}.nii.gz") is { } bad) return StageResult.Failed("pseudonym or series UID is not usable in a path: " + bad);

        var files = new List<DicomFile>(input.Items.Count);
        foreach (var item in input.Items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                files.Add(DicomReader.Read(item.ReadAllBytes()));
            }
            catch (DicomFormatException e)
            {
                return StageResult.Failed(ReadFailure.Describe(e));
            }
        }
        var outputs = new List<StageOutput>();
        foreach (var (suffix, result) in SeriesVolumeBuilder.BuildAll(files))
        {
            var name = suffix.Length == 0 ? "the series" : $"sub-series {suffix}";
            if (result.IsFailure) return StageResult.Failed(suffix.Length == 0 ? result.FailureReason! : $"{name}: {result.FailureReason}");
            var report = result.Report!;
            var metadata = new JsonObject
            {
                ["volume_id"] = $"{pseudonym}/{series}{suffix}",
                ["pseudonym"] = pseudonym,
                ["series_instance_uid"] = series,
                ["study_instance_uid"] = Text(input.Items[0], "study_instance_uid"),
                ["modality"] = Text(input.Items[0], "modality"),
                ["manufacturer"] = Text(input.Items[0], "manufacturer"),
                ["slices"] = report.Slices,
                ["max_gap_deviation"] = report.MaxGapDeviation,
                ["acquisition"] = AcquisitionFields.Read(result.FirstInstance!.Dataset),
                ["harmonise"] = new JsonArray(),
            };
            SubjectFacts.CopyTo(input.Items[0].Metadata, metadata);
            // Only when some slice was lossy, so the metadata of lossless volumes keeps its bytes.
            if (LossyFacts.Of(result.Instances) is { } lossy) metadata[LossyFacts.Property] = lossy;
            var emitted = VolumeOutput.Emit(result.Volume!, metadata, _publish, Id, _options);
            if (emitted.IsFailure) return emitted;
            outputs.AddRange(emitted.Outputs);
        }
        return StageResult.Success(outputs);
    }

    private static string? Text(StageItem item, string name) =>
        item.Metadata.ValueKind == System.Text.Json.JsonValueKind.Object && item.Metadata.TryGetProperty(name, out var v)
        && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
}
