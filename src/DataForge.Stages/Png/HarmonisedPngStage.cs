using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Png;
using DataForge.Stages.Dicom;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Png;

/// <summary>
/// Map stage <c>png</c> of layouts png and coco when the manifest lists <c>harmonise:</c> steps: renders the last
/// step's items instead of the de-identified instances. A 2D image (<see cref="Image2DStage"/>) becomes
/// <c>png/PSEUDONYM/STUDY/SERIES/SOP[-NNNN].png</c> as without steps; a volume (<c>output.png.slices</c>) one PNG per
/// slice along its third voxel axis, <c>png/PSEUDONYM/STUDY/SERIES[suffix]/NNNN.png</c> (slices from 1), pixel
/// (column c, row r) being voxel (c, r, k): after <c>reorient: LPS</c> an axial slice shows as a radiologist reads it.
/// The display window maps the harmonised values: the manifest's <c>output.png.window</c> (so give it in the units
/// the steps leave, e.g. z-scores after normalise), else, when no step changed intensities (only reorient, resample,
/// crop_or_pad), a 2D image's own Window Center/Width, else the min and max of the whole image or volume (so every
/// slice of a volume shares one window). MONOCHROME1 images stay inverted. The sidecar is
/// <see cref="PngSidecar"/>'s with the size and pixel spacing after the steps, the slice number, and the steps.
/// </summary>
public sealed class HarmonisedPngStage : IStage
{
    /// <summary>Bump when the output of the same input and settings changes.</summary>
    /// <remarks>2: an image of a lossy-compressed volume carries lossy_compression (metadata, sidecar). 3: a volume holding
    /// infinities is windowed over its finite values (the window was infinite).</remarks>
    public const int Version = 3;

    /// <summary>Steps that change intensities (after them an instance's own window no longer fits).</summary>
    public static IReadOnlySet<string> IntensitySteps { get; } = new HashSet<string>(StringComparer.Ordinal) { "window", "clip", "normalise", "discretise" };

    private readonly PngSettings _settings;

    /// <param name="input">The stage of the last harmonise step.</param>
    /// <param name="settings">The manifest's <c>output.png</c>.</param>
    /// <param name="publish">True for layout png; the COCO layout publishes the images itself.</param>
    public HarmonisedPngStage(string input, PngSettings settings, bool publish)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        var fields = new Dictionary<string, object?>
        {
            ["bit_depth"] = settings.BitDepth,
            ["slices"] = settings.Slices,
            ["window"] = settings.Window is { } w ? new Dictionary<string, object> { ["center"] = w.Center, ["width"] = w.Width, ["function"] = w.Function } : null,
            ["harmonised"] = true,
        };
        // Only for TIFF, so the configuration of PNG images (and every image already built) stays as it was.
        if (settings.Tiff) fields["format"] = settings.Format;
        var config = CanonicalJson.FromObject(fields);
        Definition = new StageDefinition(PngStage.Id, Version, StageShape.Map, [input], config)
        {
            Publish = publish,
            InputPaths = new Dictionary<string, IReadOnlyList<string>> { [input] = ["**/*.nii", "**/*.nii.gz"] },
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var metadata = VolumeOutput.MetadataOf(input.Item);
        var pseudonym = metadata["pseudonym"]?.GetValue<string>();
        var study = metadata["study_instance_uid"]?.GetValue<string>();
        var series = metadata["series_instance_uid"]?.GetValue<string>();
        var id = metadata["volume_id"]?.GetValue<string>();
        if (pseudonym is null || study is null || series is null || id is null)
            return StageResult.Failed("png: the harmonised image carries no pseudonym, study, series or volume id in its metadata");
        Volume volume;
        try
        {
            volume = VolumeOutput.Read(input.Item);
        }
        catch (NiftiFormatException e)
        {
            return StageResult.Failed("png: the harmonised image cannot be read: " + e.Message);
        }
        if (volume.FrameCount != 1) return StageResult.Failed($"png: a volume of {volume.FrameCount} frames (4D) is not rendered; only 3D volumes and 2D images");
        try
        {
            return StageResult.Success(Render(volume, metadata, pseudonym, study, series, id, cancellationToken));
        }
        catch (ImagingException e)
        {
            return StageResult.Failed("png: " + e.Message);
        }
    }

    private List<StageOutput> Render(Volume volume, JsonObject metadata, string pseudonym, string study, string series, string id, CancellationToken cancellationToken)
    {
        var image = metadata[Image2DStage.Property] as JsonObject;
        var values = volume.ToSingles();
        var window = ChooseWindow(values, metadata, image);
        var photometric = image?["photometric_interpretation"]?.GetValue<string>() ?? "MONOCHROME2";
        int width = volume.Dim(0), height = volume.Dim(1), plane = width * height;
        var (sx, sy, _) = volume.Spacing;
        string? sop = image?["sop_instance_uid"]?.GetValue<string>();
        int? frame = image?["frame"]?.GetValue<int>();
        var outputs = new List<StageOutput>();
        var digits = Math.Max(4, volume.Dim(2).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        for (var k = 0; k < volume.Dim(2); k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = new double[plane];
            for (var i = 0; i < plane; i++) slice[i] = values[k * plane + i];
            var png = LayoutImage.Greyscale(_settings, slice, width, height, window.Window, photometric == "MONOCHROME1", [sy, sx]);
            // A 2D image keeps the instance's name; a volume's slices are numbered inside the (sub-)series' folder.
            var extension = LayoutImage.Extension(_settings);
            var path = image is not null
                ? $"png/{pseudonym}/{study}/{series}/{id[(id.LastIndexOf('/') + 1)..]}{extension}"
                : $"png/{pseudonym}/{study}/{id[(pseudonym.Length + 1)..]}/{(k + 1).ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture)}{extension}";
            if (StageOutput.CheckPath(path) is { } bad) throw new ImagingException("the image's identifiers are not usable in a path: " + bad);
            var facts = new PngSidecar(pseudonym, study, series, sop, frame, metadata["modality"]?.GetValue<string>(), height, width,
                photometric, _settings.BitDepth, window, photometric, metadata["acquisition"]?.DeepClone(),
                [sy, sx], image is null ? "PixelSpacing" : image["pixel_spacing_attribute"]?.GetValue<string>())
            {
                Slice = image is null ? k + 1 : null,
                Harmonise = metadata["harmonise"]?.DeepClone() ?? new JsonArray(),
                Lossy = metadata[LossyFacts.Property]?.DeepClone(),
            };
            var itemMetadata = new Dictionary<string, object?>
            {
                [PngStage.ImageProperty] = path,
                ["pseudonym"] = pseudonym,
                ["study_instance_uid"] = study,
                ["series_instance_uid"] = series,
                ["sop_instance_uid"] = sop,
                ["frame"] = frame,
                ["slice"] = image is null ? k + 1 : null,
                ["modality"] = metadata["modality"]?.GetValue<string>(),
                ["width"] = width,
                ["height"] = height,
            };
            foreach (var member in SubjectFacts.Members)
                if (metadata[member] is JsonValue fact) itemMetadata[member] = fact.GetValue<string>();
            // Only when lossy data is behind the volume, so the metadata of other images keeps its bytes.
            if (facts.Lossy is { } lossy) itemMetadata[LossyFacts.Property] = lossy;
            outputs.Add(new StageOutput(path, png, JsonSerializer.SerializeToElement(itemMetadata)));
            outputs.Add(new StageOutput(path[..^4] + ".json", facts.ToJson(), JsonSerializer.SerializeToElement(new { sidecar = "png" })));
        }
        return outputs;
    }

    private PngSidecar.WindowUsed ChooseWindow(float[] values, JsonObject metadata, JsonObject? image)
    {
        if (_settings.Window is { } manifest) return new(manifest, "manifest");
        var changed = metadata["harmonise"] is JsonArray steps && steps.Any(s => s?["step"]?.GetValue<string>() is { } name && IntensitySteps.Contains(name));
        if (!changed && image?["window"] is JsonObject own)
        {
            var window = new VoiWindow(own["center"]!.GetValue<double>(), own["width"]!.GetValue<double>(), own["function"]!.GetValue<string>());
            if (window.Problem is null) return new(window, "instance");
        }
        return new(VoiWindow.OfRange<float>(values), "minmax");
    }
}
