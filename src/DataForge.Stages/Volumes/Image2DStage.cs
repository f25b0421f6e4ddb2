using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Volumes;

/// <summary>
/// Map stage <c>image2d</c> (layouts png and coco with <c>harmonise:</c> steps): each frame of a de-identified greyscale
/// 2D image (CR, DX, US...) as a one-slice float32 volume of its real values (stored values through Rescale Slope and
/// Intercept), so that the harmonise steps apply to it as to a volume and the png stage renders the result.
/// Voxel (i, j, 0) is column i, row j. A projection image has no patient orientation: the affine is that of an axial
/// slice (columns towards the patient's left, rows towards posterior: LPS, written as RAS) with the pixel spacing
/// (Pixel Spacing, else Imager Pixel Spacing, else 1 mm). Metadata as for a volume (<see cref="VolumeOutput"/>, with
/// <c>volume_id</c> <c>PSEUDONYM/SERIES/SOP[-NNNN]</c>) plus <c>image2d</c>: the SOP Instance UID, frame, photometric
/// interpretation, which attribute gave the spacing and the instance's own window, for the sidecar and the display
/// window. Colour images fail (harmonise steps act on one intensity per voxel).
/// </summary>
public sealed class Image2DStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "image2d";

    /// <summary>Bump when the output of the same instance changes.</summary>
    /// <remarks>
    /// 2: an image of a lossy-compressed instance carries lossy_compression; Secondary Capture instances are 2D images whatever their modality.
    /// 3: a Parametric Map of float pixels in one plane fails by name (it was left out silently).
    /// </remarks>
    public const int Version = 3;

    /// <summary>The metadata property that marks a 2D image (its value holds the instance facts).</summary>
    public const string Property = "image2d";

    private readonly IReadOnlySet<string> _modalities;

    /// <param name="input">The de-identification stage.</param>
    /// <param name="modalities">The modalities whose instances are 2D images.</param>
    public Image2DStage(string input, IReadOnlySet<string> modalities)
    {
        ArgumentNullException.ThrowIfNull(modalities);
        _modalities = modalities;
        var config = CanonicalJson.FromObject(new Dictionary<string, object>
        {
            ["modalities"] = modalities.Order(StringComparer.Ordinal).ToArray(),
            ["voxel_type"] = "float32",
        });
        Definition = new StageDefinition(Id, Version, StageShape.Map, [input], config);
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        if (FlatImageInput.Read(input, "image2d", _modalities.Contains, out var skipped) is not var (file, pseudonym)) return skipped!;
        var ds = file.Dataset;
        if (ds.Contains(DicomTags.FloatPixelData) || ds.Contains(DicomTags.DoubleFloatPixelData))
            return StageResult.Failed("image2d: harmonise steps do not take floating-point images (Parametric Maps) yet; without harmonise: steps the png layout writes them");
        try
        {
            return Split(ds, file, pseudonym, cancellationToken);
        }
        catch (Exception e) when (e is DicomFormatException or ImagingException or NotSupportedException)
        {
            return StageResult.Failed("image2d: " + e.Message);
        }
    }

    private static StageResult Split(DicomDataset ds, DicomFile file, string pseudonym, CancellationToken cancellationToken)
    {
        var pixels = DicomPixelData.Create(file);
        var photometric = pixels.PhotometricInterpretation.Trim();
        if (photometric is not ("MONOCHROME1" or "MONOCHROME2") || pixels.SamplesPerPixel != 1)
            return StageResult.Failed($"image2d: harmonise steps apply to greyscale images (MONOCHROME1, MONOCHROME2), not {photometric} with {pixels.SamplesPerPixel} samples per pixel; remove harmonise: to write colour images as they are");
        var series = Uid(ds, DicomTags.SeriesInstanceUID);
        var sop = Uid(ds, DicomTags.SOPInstanceUID);
        var lossy = LossyFacts.Of([file]);
        var (spacing, attribute) = Spacing(ds);
        // Columns towards the patient's left, rows towards posterior (LPS), as RAS: negate x and y.
        var affine = Affine.Diagonal(-spacing[1], -spacing[0], 1);
        var outputs = new List<StageOutput>();
        for (var frame = 0; frame < pixels.NumberOfFrames; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var real = pixels.GetRealValues(frame);
            var data = new float[real.Length];
            for (var i = 0; i < data.Length; i++) data[i] = (float)real[i];
            var volume = new Volume([pixels.Columns, pixels.Rows, 1], data, affine, XformCode.ScannerAnat);
            int? number = pixels.NumberOfFrames == 1 ? null : frame + 1;
            var metadata = new JsonObject
            {
                ["volume_id"] = $"{pseudonym}/{series}/{sop}" + (number is { } n ? $"-{n:0000}" : ""),
                ["pseudonym"] = pseudonym,
                ["series_instance_uid"] = series,
                ["study_instance_uid"] = Uid(ds, DicomTags.StudyInstanceUID),
                ["modality"] = ds.GetString(DicomTags.Modality)?.Trim(),
                ["manufacturer"] = ds.GetString(DicomTags.Manufacturer)?.Trim(),
                ["slices"] = 1,
                ["acquisition"] = AcquisitionFields.Read(ds),
                [Property] = new JsonObject
                {
                    ["sop_instance_uid"] = sop,
                    ["frame"] = number,
                    ["photometric_interpretation"] = photometric,
                    ["pixel_spacing_attribute"] = attribute,
                    ["window"] = InstanceWindow(ds),
                },
                ["harmonise"] = new JsonArray(),
            };
            SubjectFacts.Add(metadata, ds);
            if (lossy?.DeepClone() is { } facts) metadata[LossyFacts.Property] = facts;
            var emitted = VolumeOutput.Emit(volume, metadata, publish: false, Id, new NiftiWriteOptions());
            if (emitted.IsFailure) return emitted;
            outputs.AddRange(emitted.Outputs);
        }
        return StageResult.Success(outputs);
    }

    /// <summary>PS3.3 10.7.1.3: Pixel Spacing is in the patient; Imager Pixel Spacing at the detector (projection images). Row spacing first.</summary>
    private static (double[] Spacing, string? Attribute) Spacing(DicomDataset ds)
    {
        foreach (var (tag, name) in new[] { (DicomTags.PixelSpacing, "PixelSpacing"), (DicomTags.ImagerPixelSpacing, "ImagerPixelSpacing") })
            if (ds.GetNumber(tag, 0) is { } r && ds.GetNumber(tag, 1) is { } c && r > 0 && c > 0 && double.IsFinite(r) && double.IsFinite(c))
                return ([r, c], name);
        return ([1, 1], null);
    }

    /// <summary>The instance's first Window Center/Width with its VOI LUT Function (PS3.3 C.11.2.1.2), or null.</summary>
    private static JsonObject? InstanceWindow(DicomDataset ds)
    {
        if (ds.GetNumber(DicomTags.WindowCenter) is not { } c || ds.GetNumber(DicomTags.WindowWidth) is not { } w) return null;
        var function = ds.GetString(DicomTags.VOILUTFunction)?.Trim() is { Length: > 0 } f ? f.ToUpperInvariant() : "LINEAR";
        return new JsonObject { ["center"] = c, ["width"] = w, ["function"] = function };
    }

    private static string? Text(StageItem item, string name) =>
        item.Metadata.ValueKind == System.Text.Json.JsonValueKind.Object && item.Metadata.TryGetProperty(name, out var v)
        && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;

    private static string Uid(DicomDataset ds, DicomTag tag) =>
        ds.GetString(tag)?.Trim() is { Length: > 0 } uid ? uid : throw new DicomFormatException($"the de-identified instance has no {tag}", tag: tag);
}
