using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Volumes;

/// <summary>
/// How the volume stage and the harmonise steps hand a volume on. Every volume item's metadata holds
/// <c>volume_id</c> (<c>PSEUDONYM/SERIES_UID[suffix]</c>, what later stages group on and name outputs by),
/// pseudonym, series UID, modality, shape, spacing, affine, the acquisition fields
/// (<see cref="AcquisitionFields"/>), <c>lossy_compression</c> when lossy data is behind it (<see cref="LossyFacts"/>) and
/// <c>harmonise</c>: the steps applied so far with their parameters.
/// The published volume is <c>nifti/VOLUME_ID.nii.gz</c> with its BIDS-style sidecar <c>nifti/VOLUME_ID.json</c>;
/// a volume that a later step reads is an uncompressed <c>.nii</c> under the stage's own folder (cheaper to
/// write and read; it lives only in the store).
/// </summary>
public static class VolumeOutput
{
    /// <summary>The stage outputs for <paramref name="volume"/> with <paramref name="metadata"/> (updated here with its geometry).</summary>
    public static StageResult Emit(Volume volume, JsonObject metadata, bool publish, string stageId, NiftiWriteOptions options)
    {
        var id = metadata["volume_id"]?.GetValue<string>() ?? throw new ArgumentException("volume metadata lacks volume_id", nameof(metadata));
        metadata["shape"] = new JsonArray(volume.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
        var (sx, sy, sz) = volume.Spacing;
        metadata["spacing"] = Numbers([sx, sy, sz]);
        metadata["affine"] = Numbers(volume.Affine.ToArray());
        metadata["voxel_type"] = volume.Type.Name;
        var element = JsonSerializer.SerializeToElement(metadata);
        if (!publish)
        {
            var path = $"{stageId}/{id}.nii";
            if (StageOutput.CheckPath(path) is { } bad) return StageResult.Failed("volume id is not usable in a path: " + bad);
            return StageResult.Success(new StageOutput(path, NiftiWriter.Encode(volume, gzip: false, options), element));
        }
        var nifti = $"nifti/{id}.nii.gz";
        if (StageOutput.CheckPath(nifti) is { } problem) return StageResult.Failed("volume id is not usable in a path: " + problem);
        return StageResult.Success(
            new StageOutput(nifti, NiftiWriter.Encode(volume, gzip: true, options), element),
            new StageOutput($"nifti/{id}.json", Sidecar(metadata), SidecarMetadata));
    }

    /// <summary>Metadata of a sidecar output, so stages reading the volumes can tell it from a volume or a source file.</summary>
    public static readonly JsonElement SidecarMetadata = JsonDocument.Parse("""{"sidecar":"bids"}""").RootElement.Clone();

    /// <summary>
    /// The BIDS-style sidecar: the acquisition fields, the lossy compression of its slices (<see cref="LossyFacts"/>), then <c>Harmonisation</c> (each step with its parameters,
    /// in order), <c>ConversionSoftware</c>; UTF-8, tab-indented like dcm2niix's, with a final newline.
    /// </summary>
    public static byte[] Sidecar(JsonObject metadata)
    {
        var sidecar = new JsonObject();
        if (metadata["acquisition"] is JsonObject fields)
            foreach (var (key, value) in fields) sidecar[key] = value?.DeepClone();
        LossyFacts.AddToSidecar(sidecar, metadata[LossyFacts.Property]);
        sidecar["Harmonisation"] = metadata["harmonise"]?.DeepClone() ?? new JsonArray();
        // A NIfTI source's sidecar names the converter that made it (dcm2niix and its version): DataForge wrote
        // this file, and a version left from the other tool would describe neither.
        sidecar.Remove("ConversionSoftwareVersion");
        sidecar["ConversionSoftware"] = "DataForge";
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentCharacter = '\t', IndentSize = 1 }))
            sidecar.WriteTo(json);
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The metadata of an upstream volume item, as a mutable copy.</summary>
    public static JsonObject MetadataOf(StageItem item) =>
        JsonNode.Parse(item.Metadata.GetRawText())?.AsObject() ?? throw new ArgumentException("volume metadata is not an object", nameof(item));

    /// <summary>True when the item is a 2D image made by <see cref="Image2DStage"/>, not a volume of a series.</summary>
    public static bool Is2D(StageItem item) =>
        item.Metadata.ValueKind == JsonValueKind.Object && item.Metadata.TryGetProperty(Image2DStage.Property, out var v) && v.ValueKind == JsonValueKind.Object;

    /// <summary>Reads an upstream volume item (.nii or .nii.gz).</summary>
    public static Volume Read(StageItem item)
    {
        using var stream = new MemoryStream(item.ReadAllBytes(), writable: false);
        return NiftiReader.Read(stream, item.Hash.Short + ".nii");
    }

    private static JsonArray Numbers(IEnumerable<double> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
