using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Png;

/// <summary>
/// Reduce stage <c>png-report</c> of layout png: <c>png.report.json</c> next to the images, per modality how many
/// de-identified instances there were, how many became PNG images, and why the others did not (a cross-sectional
/// modality without <c>output.png.slices: true</c>, an instance without pixel data, a failure the build lists). So a
/// build that renders 12 radiographs out of 207 instances says so, instead of reporting only the 12 that ran.
/// Counts and modality codes only: no identifier, no path of a source.
/// </summary>
public sealed class PngReportStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "png-report";

    /// <summary>Bump when the report of the same inputs changes.</summary>
    public const int Version = 1;

    /// <summary>Output path, at the top of the output folder.</summary>
    public const string FileName = "png.report.json";

    /// <summary>Reason code: a modality outside <see cref="PngSettings.TwoDimensional"/> without <c>output.png.slices: true</c>.</summary>
    public const string CrossSectional = "cross-sectional-without-slices";

    /// <summary>Reason code: the instance has no pixel data (a structured report, a presentation state...).</summary>
    public const string NoPixelData = "no-pixel-data";

    /// <summary>Reason code: the png stage failed on the instance; the build lists it among its failures.</summary>
    public const string Failed = "failed";

    private readonly PngSettings _settings;

    /// <param name="deidentified">The stage of the de-identified instances (their header facts).</param>
    /// <param name="png">The png stage that renders them.</param>
    /// <param name="settings">The manifest's <c>output.png</c>.</param>
    public PngReportStage(string deidentified, string png, PngSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        var config = CanonicalJson.FromObject(new Dictionary<string, object?> { ["slices"] = settings.Slices });
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, [deidentified, png], config) { Publish = true };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        // Instances by modality (with pixel data or not), and the instances the png stage rendered.
        var instances = new SortedDictionary<string, (int All, int WithPixels)>(StringComparer.Ordinal);
        // A list, not a map: two instances may share a SOP Instance UID (curation flags that), and each is counted.
        var modalityOf = new List<(string Sop, string Modality, string? SopClass, bool Pixels)>();
        var rendered = new HashSet<string>(StringComparer.Ordinal);
        var images = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in input.Items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var metadata = item.ReadMetadataOnce();
            if (metadata.ValueKind != JsonValueKind.Object || Text(metadata, "sop_instance_uid") is not { } sop) continue;
            var modality = Text(metadata, "modality") ?? "";
            if (metadata.TryGetProperty(PngStage.ImageProperty, out _))
            {
                rendered.Add(sop);
                images[modality] = images.GetValueOrDefault(modality) + 1;
                continue;
            }
            // Rows come with pixel data (Image Pixel module); an instance without them has no image to render.
            var pixels = metadata.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Number;
            modalityOf.Add((sop, modality, Text(metadata, "sop_class_uid"), pixels));
            var (all, withPixels) = instances.GetValueOrDefault(modality);
            instances[modality] = (all + 1, withPixels + (pixels ? 1 : 0));
        }
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("layout", "png");
            json.WriteBoolean("slices", _settings.Slices);
            json.WriteStartArray("modalities");
            int totalInstances = 0, totalRendered = 0;
            foreach (var (modality, (all, _)) in instances)
            {
                var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
                var done = 0;
                foreach (var (sop, m, sopClass, pixels) in modalityOf)
                {
                    if (m != modality) continue;
                    if (rendered.Contains(sop)) { done++; continue; }
                    // The png stage's own rule (FlatImageInput): a Secondary Capture is rendered whatever its modality.
                    var reason = !pixels ? NoPixelData : !Dicom.FlatImageInput.IsTwoDimensional(modality, sopClass, _settings.Includes) ? CrossSectional : Failed;
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                }
                totalInstances += all;
                totalRendered += done;
                json.WriteStartObject();
                json.WriteString("modality", modality.Length == 0 ? "(none)" : modality);
                json.WriteNumber("instances", all);
                json.WriteNumber("rendered", done);
                json.WriteNumber("images", images.GetValueOrDefault(modality));
                json.WriteStartObject("not_rendered");
                foreach (var (reason, count) in reasons) json.WriteNumber(reason, count);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("instances", totalInstances);
            json.WriteNumber("rendered", totalRendered);
            json.WriteNumber("images", images.Values.Sum());
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return StageResult.Success(new StageOutput(FileName, buffer.ToArray()));
    }

    private static string? Text(JsonElement metadata, string name) =>
        metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
