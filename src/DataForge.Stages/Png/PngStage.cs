using System.Text.Json;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Png;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.Png;

/// <summary>
/// Map stage <c>png</c>: each de-identified instance of a 2D modality (and, with <c>slices</c>, of every
/// other modality) as one PNG per frame, <c>png/PSEUDONYM/STUDY/SERIES/SOP.png</c> (multi-frame:
/// <c>SOP-NNNN.png</c>, frames from 1), with a JSON sidecar of the kept metadata beside it
/// (<see cref="PngSidecar"/>). Greyscale: stored values through the Modality LUT (rescale slope and
/// intercept), then the VOI window of the manifest, else the instance's first Window Center/Width
/// with its VOI LUT Function, else the frame's min/max; MONOCHROME1 inverted. Colour (RGB, YBR_FULL,
/// YBR_FULL_422, 8 bits): RGB samples as they are. Paths come from the pseudonym and new UIDs only.
/// Output metadata: <see cref="ImageProperty"/> and the image's identity and size, for the COCO layout.
/// </summary>
public sealed class PngStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "png";

    /// <summary>Bump when the output of the same input and settings changes.</summary>
    /// <remarks>
    /// 3: an image of a lossy-compressed instance carries lossy_compression (metadata, sidecar); Secondary Capture instances
    /// are rendered whatever their modality.
    /// 4: a Parametric Map of float pixels in one plane (a float image of an image source) is written (it was left out).
    /// </remarks>
    public const int Version = 4;

    /// <summary>The metadata property that marks a PNG image (its value is the image's path).</summary>
    public const string ImageProperty = "png_image";

    private readonly PngSettings _settings;

    /// <param name="input">The de-identification stage.</param>
    /// <param name="settings">The manifest's <c>output.png</c>.</param>
    /// <param name="publish">True for layout png; the COCO layout publishes the images itself.</param>
    public PngStage(string input, PngSettings settings, bool publish)
    {
        _settings = settings;
        var fields = new Dictionary<string, object?>
        {
            ["bit_depth"] = settings.BitDepth,
            ["slices"] = settings.Slices,
            ["window"] = settings.Window is { } w ? new Dictionary<string, object> { ["center"] = w.Center, ["width"] = w.Width, ["function"] = w.Function } : null,
        };
        // Only for TIFF, so the configuration of PNG images (and every image already built) stays as it was.
        if (settings.Tiff) fields["format"] = settings.Format;
        var config = CanonicalJson.FromObject(fields);
        Definition = new StageDefinition(Id, Version, StageShape.Map, [input], config) { Publish = publish };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        if (FlatImageInput.Read(input, "png", _settings.Includes, out var skipped) is not var (file, pseudonym)) return skipped!;
        var ds = file.Dataset;
        try
        {
            return StageResult.Success(Render(ds, file, pseudonym, cancellationToken));
        }
        catch (Exception e) when (e is DicomFormatException or ImagingException or NotSupportedException)
        {
            return StageResult.Failed("png: " + e.Message);
        }
    }

    private List<StageOutput> Render(DicomDataset ds, DicomFile file, string pseudonym, CancellationToken cancellationToken)
    {
        if (FloatFrames.Of(ds) is { } floats) return RenderFloats(ds, floats, pseudonym, cancellationToken);
        var pixels = DicomPixelData.Create(file);
        var photometric = pixels.PhotometricInterpretation.Trim();
        var colour = photometric is "RGB" or "YBR_FULL" or "YBR_FULL_422";
        if (!colour && photometric is not ("MONOCHROME1" or "MONOCHROME2"))
            throw new NotSupportedException($"Photometric Interpretation {photometric} is not supported (MONOCHROME1, MONOCHROME2, RGB, YBR_FULL, YBR_FULL_422)");
        // Colour of 8 bits is written as 8-bit RGB; RGB of 9 to 16 bits as 16-bit RGB (no colour transform above 8 bits).
        var deepColour = colour && photometric == "RGB" && pixels.BitsStored is > 8 and <= 16;
        if (colour && (pixels.SamplesPerPixel != 3 || (pixels.BitsStored != 8 && !deepColour)))
            throw new NotSupportedException($"colour images are written as 8-bit RGB, and RGB of 9 to 16 bits as 16-bit RGB; this one is {photometric} with {pixels.SamplesPerPixel} samples of {pixels.BitsStored} bits");
        if (!colour && pixels.SamplesPerPixel != 1)
            throw new NotSupportedException($"a {photometric} image has one sample per pixel, not {pixels.SamplesPerPixel}");
        var folder = $"png/{pseudonym}/{Uid(ds, DicomTags.StudyInstanceUID)}/{Uid(ds, DicomTags.SeriesInstanceUID)}";
        var sop = Uid(ds, DicomTags.SOPInstanceUID);
        var outputs = new List<StageOutput>();
        for (var frame = 0; frame < pixels.NumberOfFrames; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = pixels.NumberOfFrames == 1 ? sop : $"{sop}-{frame + 1:0000}";
            byte[] png;
            PngSidecar.WindowUsed? window = null;
            var spacing = PngSidecar.SpacingOf(ds)?.Spacing;
            if (colour)
            {
                var samples = pixels.GetStoredValues(frame);
                png = deepColour ? LayoutImage.Rgb16(_settings, samples, pixels.Columns, pixels.Rows, pixels.BitsStored, spacing)
                    : LayoutImage.Rgb(_settings, photometric == "RGB" ? samples : pixels.YbrFullToRgb(samples), pixels.Columns, pixels.Rows, spacing);
            }
            else
            {
                var values = pixels.GetRealValues(frame);
                window = ChooseWindow(ds, values);
                png = LayoutImage.Greyscale(_settings, values, pixels.Columns, pixels.Rows, window.Window, pixels.IsInverted, spacing);
            }
            var path = $"{folder}/{name}{LayoutImage.Extension(_settings)}";
            var facts = new PngSidecar(pseudonym, ds, pixels.NumberOfFrames == 1 ? null : frame + 1, deepColour ? 16 : colour ? 8 : _settings.BitDepth, window, colour ? "RGB" : photometric)
            {
                Lossy = LossyFacts.Of([file]),
            };
            outputs.Add(new StageOutput(path, png, Metadata(path, facts, pixels.Columns, pixels.Rows, ds)));
            outputs.Add(new StageOutput($"{folder}/{name}.json", facts.ToJson(), JsonSerializer.SerializeToElement(new { sidecar = "png" })));
        }
        return outputs;
    }

    // Float or Double Float Pixel Data (a Parametric Map): with format tiff every frame's values as 32 or 64-bit float,
    // bit for bit; as PNG through the manifest's window, else the frame's finite range.
    private List<StageOutput> RenderFloats(DicomDataset ds, FloatFrames floats, string pseudonym, CancellationToken cancellationToken)
    {
        var folder = $"png/{pseudonym}/{Uid(ds, DicomTags.StudyInstanceUID)}/{Uid(ds, DicomTags.SeriesInstanceUID)}";
        var sop = Uid(ds, DicomTags.SOPInstanceUID);
        var spacing = PngSidecar.SpacingOf(ds)?.Spacing;
        var outputs = new List<StageOutput>();
        for (var frame = 0; frame < floats.Count; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = floats.Count == 1 ? sop : $"{sop}-{frame + 1:0000}";
            byte[] image;
            PngSidecar.WindowUsed? window = null;
            if (_settings.Tiff) image = floats.Tiff(frame, spacing);
            else
            {
                var values = floats.Values(frame);
                window = _settings.Window is { } manifest ? new(manifest, "manifest") : new(VoiWindow.OfRange<double>(values), "minmax");
                image = LayoutImage.Greyscale(_settings, values, floats.Columns, floats.Rows, window.Window, invert: false, spacing);
            }
            var path = $"{folder}/{name}{LayoutImage.Extension(_settings)}";
            var facts = new PngSidecar(pseudonym, ds, floats.Count == 1 ? null : frame + 1, _settings.Tiff ? floats.Bits : _settings.BitDepth, window, "MONOCHROME2");
            outputs.Add(new StageOutput(path, image, Metadata(path, facts, floats.Columns, floats.Rows, ds)));
            outputs.Add(new StageOutput($"{folder}/{name}.json", facts.ToJson(), JsonSerializer.SerializeToElement(new { sidecar = "png" })));
        }
        return outputs;
    }

    // Manifest window, else the instance's first (PS3.3 C.11.2.1.2: several windows are alternatives), else min/max.
    private PngSidecar.WindowUsed ChooseWindow(DicomDataset ds, double[] values)
    {
        if (_settings.Window is { } manifest) return new(manifest, "manifest");
        if (ds.GetNumber(DicomTags.WindowCenter) is { } c && ds.GetNumber(DicomTags.WindowWidth) is { } w)
        {
            var function = ds.GetString(DicomTags.VOILUTFunction)?.Trim() is { Length: > 0 } f ? f.ToUpperInvariant() : VoiWindow.Linear;
            var own = new VoiWindow(c, w, function);
            if (own.Problem is null) return new(own, "instance");
        }
        return new(VoiWindow.OfRange<double>(values), "minmax");
    }

    private static JsonElement Metadata(string path, PngSidecar facts, int columns, int rows, DicomDataset ds)
    {
        var metadata = new Dictionary<string, object?>
        {
            [ImageProperty] = path,
            ["pseudonym"] = facts.Pseudonym,
            ["study_instance_uid"] = facts.StudyUid,
            ["series_instance_uid"] = facts.SeriesUid,
            ["sop_instance_uid"] = facts.SopUid,
            ["frame"] = facts.Frame,
            ["modality"] = facts.Modality,
            ["width"] = columns,
            ["height"] = rows,
        };
        foreach (var (member, value) in SubjectFacts.Of(ds))
            if (value is not null) metadata[member] = value;
        // Only when lossy, so the metadata of images of lossless data keeps its bytes.
        if (facts.Lossy is { } lossy) metadata[LossyFacts.Property] = lossy;
        return JsonSerializer.SerializeToElement(metadata);
    }

    private static string Uid(DicomDataset ds, DicomTag tag) =>
        ds.GetString(tag)?.Trim() is { Length: > 0 } uid ? uid : throw new DicomFormatException($"the de-identified instance has no {tag}", tag: tag);
}
