using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Raster;
using DataForge.Manifest.Model;
using DataForge.Stages.Dicom;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// Group stage <c>image.dicom</c>: the files of one image of an image source (grouped by
/// <see cref="ImageFilesStage.ImageProperty"/>: the PNG, TIFF or BMP, its JSON or XML sidecar, its metadata table row)
/// made into a DICOM Secondary Capture instance (<see cref="SecondaryCapture"/>; floating-point images a Parametric Map,
/// <see cref="ParametricMap"/>), private, which the DICOM stages
/// (curation, deidentify, every layout) read next to the DICOM sources' files. Its metadata carry, for the leak gate
/// of the deidentify stage, every identifier the source held outside the instance (<see cref="ImageIdentifiers"/>:
/// the text of its metadata blocks, the sidecar's values, the identifying parts of the file names), and for the
/// de-identification report what was left out, field by field (<see cref="CountsProperty"/>).
/// </summary>
public sealed class ImageSourceStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "image.dicom";

    /// <summary>Bump when the output of the same files and config changes.</summary>
    /// <remarks>2: floating-point TIFF becomes a Parametric Map (it failed); CMYK, YCbCr, JPEG-in-TIFF and RLE bitmaps are read.</remarks>
    public const int Version = 2;

    /// <summary>The metadata property counting what the image's source held and the instance left out (no values).</summary>
    public const string CountsProperty = "image_source_counts";

    private readonly Dictionary<string, (ImageFields Fields, SubjectPattern Pattern, string? Modality)> _sources;

    /// <param name="sources">The manifest's image sources.</param>
    public ImageSourceStage(IReadOnlyList<SourceSpec> sources)
    {
        _sources = sources.ToDictionary(s => s.Id, s => (ImageFields.Of(s), SubjectPattern.For(s), s.Modality), StringComparer.Ordinal);
        var config = sources.Select(s => new Dictionary<string, object?>
        {
            ["source"] = s.Id,
            ["fields"] = s.Fields?.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(),
            ["subject"] = s.Subject,
            ["modality"] = s.Modality,
        }).ToList();
        Definition = new StageDefinition(Id, Version, StageShape.Group, sources.Select(s => ImageFilesStage.IdPrefix + s.Id).ToList(),
            CanonicalJson.FromObject(new Dictionary<string, object?> { ["sources"] = config }))
        {
            GroupBy = ImageFilesStage.ImageProperty,
        };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        StageItem? image = null, sidecar = null, row = null;
        foreach (var item in input.Items)
        {
            switch (Text(item.Metadata, "role"))
            {
                case "image" when image is not null: return StageResult.Failed($"two images (contents #{image.Hash.Short} and #{item.Hash.Short}) have one name without extension; rename or exclude one");
                case "image": image = item; break;
                case "sidecar" when sidecar is not null: return StageResult.Failed($"an image has two sidecars (contents #{sidecar.Hash.Short} and #{item.Hash.Short}); keep NAME.json or NAME.xml");
                case "sidecar": sidecar = item; break;
                case "row": row = item; break;
            }
        }
        if (image is null) return StageResult.Success(); // a sidecar or a table row without its image
        var sourceId = Text(image.Metadata, "source")!;
        var path = Text(image.Metadata, "path")!;
        var (fields, pattern, modality) = _sources[sourceId];
        var bytes = image.ReadAllBytes();
        RasterImage raster;
        try { raster = RasterReader.Decode(bytes); }
        catch (ImagingException e) { return StageResult.Failed($"not a readable image: {e.Message}"); }

        ImageSidecar? metadata = null;
        try
        {
            if (sidecar is not null) metadata = ImageSidecar.Parse(sidecar.ReadAllBytes(), xml: Text(sidecar.Metadata, "syntax") == "xml");
            else if (row is not null && row.Metadata.TryGetProperty("row", out var cells))
                metadata = ImageSidecar.OfRow(cells.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal));
        }
        catch (FormatException e) { return StageResult.Failed(e.Message); }

        var facts = fields.Read(metadata, path, pattern, modality, out var problem);
        if (facts is null) return StageResult.Failed(problem!);
        var counts = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        void Count(string field, string outcome)
        {
            if (!counts.TryGetValue(field, out var o)) counts[field] = o = new(StringComparer.Ordinal);
            o[outcome] = o.GetValueOrDefault(outcome) + 1;
        }
        var identifiers = new ImageIdentifiers(fields.KeptValues(metadata));
        identifiers.AddPath(path);
        if (Text(sidecar?.Metadata ?? default, "path") is { } sidecarPath) identifiers.AddPath(sidecarPath);
        identifiers.AddFacts(facts);
        foreach (var block in ImageMetadataBlocks.Read(bytes))
        {
            if (!ImageIdentifiers.IsCounted(block)) continue;
            Count(ImageIdentifiers.FieldName(block), "left_out");
            if (block.IsText) identifiers.AddValue(block.Value);
        }
        var file = SecondaryCapture.Build(raster, facts, metadata, sourceId, ImageFilesStage.StemOf(path),
            leftOut: (key, value) => { Count(ImageIdentifiers.SidecarField(key), "left_out"); identifiers.AddSidecarValue(value); },
            // A mapped key's value is the instance's now: the de-identifier acts on it and its leak gate looks for what it removes.
            mapped: (key, _) => Count(ImageIdentifiers.SidecarField(key), "to_dicom"));
        var output = new JsonObject();
        if (identifiers.ToList() is { Count: > 0 } found)
            output[CarriedPathIdentifiers.Property] = new JsonArray(found.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        var countsJson = new JsonObject();
        foreach (var (field, outcomes) in counts)
        {
            var o = new JsonObject();
            foreach (var (outcome, n) in outcomes) o[outcome] = n;
            countsJson[field] = o;
        }
        output[CountsProperty] = countsJson;
        output["format"] = raster.Format;
        var uid = SecondaryCapture.InstanceUid(sourceId, ImageFilesStage.StemOf(path), facts.Id);
        return StageResult.Success(new StageOutput($"{Id}/{uid}.dcm", file.ToBytes(), JsonSerializer.SerializeToElement(output)));
    }

    internal static string? Text(JsonElement m, string name) =>
        m.ValueKind == JsonValueKind.Object && m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
