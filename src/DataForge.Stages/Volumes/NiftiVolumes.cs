using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Volumes;

/// <summary>
/// The volume stage's handling of a series made from a NIfTI or Analyze source: the de-identified volume
/// item of the NIfTI-source stage (<c>VolumeSources.NiftiSourceStage</c>, which marks it with <see cref="SourceFormatProperty"/>) becomes a volume output (<see cref="VolumeOutput"/>) with the same
/// metadata a DICOM series gets (<c>volume_id</c> = PSEUDONYM/SERIES_UID, geometry, acquisition facts,
/// no harmonise steps yet); the private members (sealed identity) stay behind.
/// </summary>
public static class NiftiVolumes
{
    /// <summary>The metadata member that marks a NIfTI-source volume item (its source format).</summary>
    public const string SourceFormatProperty = "nifti_source";

    /// <summary>True for an item of the NIfTI-source stage.</summary>
    public static bool IsSourceVolume(StageItem item) =>
        item.Metadata.ValueKind == JsonValueKind.Object && item.Metadata.TryGetProperty(SourceFormatProperty, out _);

    /// <summary>The volume stage's outputs for one series group holding NIfTI-source items.</summary>
    public static StageResult Emit(StageInput input, bool publish, string stageId, NiftiWriteOptions options)
    {
        if (input.Items is not [var item])
            return StageResult.Failed($"{input.Items.Count} images share one series identity: two sources hold an image at the same relative path, or a DICOM series has the UID of one; rename one of them");
        var source = VolumeOutput.MetadataOf(item);
        Volume volume;
        try
        {
            volume = VolumeOutput.Read(item);
        }
        catch (NiftiFormatException e)
        {
            return StageResult.Failed($"the de-identified volume cannot be read back: byte {e.Offset}: {e.Problem}");
        }
        var pseudonym = source["pseudonym"]?.GetValue<string>();
        var series = source["series_instance_uid"]?.GetValue<string>();
        if (pseudonym is null || series is null) return StageResult.Failed("the NIfTI source item carries no pseudonym or series UID in its metadata");
        var metadata = new JsonObject
        {
            ["volume_id"] = $"{pseudonym}/{series}",
            ["pseudonym"] = pseudonym,
            ["series_instance_uid"] = series,
            ["study_instance_uid"] = source["study_instance_uid"]?.DeepClone(),
            ["modality"] = source["modality"]?.DeepClone(),
            ["manufacturer"] = source["manufacturer"]?.DeepClone(),
            ["slices"] = volume.Dim(2),
            ["acquisition"] = source["acquisition"]?.DeepClone() ?? new JsonObject(),
            ["harmonise"] = new JsonArray(),
        };
        SubjectFacts.CopyTo(source, metadata);
        return VolumeOutput.Emit(volume, metadata, publish, stageId, options);
    }
}
