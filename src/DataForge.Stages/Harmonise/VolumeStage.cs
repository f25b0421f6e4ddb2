using System.Globalization;
using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// Group stage <c>volume</c>: the de-identified instances of one series (grouped on
/// <c>series_instance_uid</c>) stacked by <see cref="SeriesVolumeBuilder"/> and published as
/// <c>nifti/PSEUDONYM/SERIES_UID.nii.gz</c>, both taken from the upstream metadata, never from names.
/// Its metadata: pseudonym, modality, shape, spacing, affine (row-major 4x4, RAS+ mm) and the stacking
/// report. A series that cannot be stacked fails with the builder's reason.
/// </summary>
public sealed class VolumeStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "volume";

    /// <summary>Bump when the output of the same series and config changes.</summary>
    public const int Version = 1;

    private readonly NiftiWriteOptions _options;

    /// <summary>A stage reading <paramref name="inputs"/> (by default the deidentify stage) and writing gzip NIfTI at <paramref name="compressionLevel"/>; <paramref name="publish"/> false keeps the volumes for later stages only (labels, training layouts).</summary>
    public VolumeStage(IReadOnlyList<string>? inputs = null, int compressionLevel = 6, bool publish = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 9);
        _options = new NiftiWriteOptions { CompressionLevel = compressionLevel };
        var config = CanonicalJson.FromObject(new Dictionary<string, object>
        {
            ["format"] = "nifti1-gz",
            ["compression_level"] = compressionLevel,
            ["gap_tolerance"] = SeriesVolumeBuilder.GapTolerance,
        });
        Definition = new StageDefinition(Id, Version, StageShape.Group, inputs ?? ["deidentify"], config)
        {
            GroupBy = "series_instance_uid",
            Publish = publish,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var pseudonyms = input.Items.Select(i => Text(i.Metadata, "pseudonym")).Distinct().ToList();
        if (pseudonyms is not [{ } pseudonym]) return StageResult.Failed("the series' instances do not carry one pseudonym in their metadata");
        var series = Text(input.Items[0].Metadata, "series_instance_uid");
        if (series is null) return StageResult.Failed("the series' instances carry no series_instance_uid in their metadata");
        var path = $"nifti/{pseudonym}/{series}.nii.gz";
        if (StageOutput.CheckPath(path) is { } bad) return StageResult.Failed("pseudonym or series UID is not usable in a path: " + bad);

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
        var result = SeriesVolumeBuilder.Build(files);
        if (result.IsFailure) return StageResult.Failed(result.FailureReason!);
        var volume = result.Volume!;
        var report = result.Report!;
        var bytes = NiftiWriter.Encode(volume, gzip: true, _options);

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("pseudonym", pseudonym);
            json.WriteString("series_instance_uid", series);
            if (Text(input.Items[0].Metadata, "modality") is { } modality) json.WriteString("modality", modality);
            else json.WriteNull("modality");
            json.WriteStartArray("shape");
            foreach (var d in volume.Shape) json.WriteNumberValue(d);
            json.WriteEndArray();
            var (sx, sy, sz) = volume.Spacing;
            Numbers(json, "spacing", [sx, sy, sz]);
            Numbers(json, "affine", volume.Affine.ToArray());
            json.WriteString("voxel_type", report.VoxelType);
            json.WriteNumber("slices", report.Slices);
            json.WriteNumber("max_gap_deviation", report.MaxGapDeviation);
            json.WriteEndObject();
        }
        var metadata = JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
        return StageResult.Success(new StageOutput(path, bytes, metadata));
    }

    private static string? Text(JsonElement metadata, string name) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteRawValue(v.ToString("R", CultureInfo.InvariantCulture));
        json.WriteEndArray();
    }
}
