using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Imaging.Raster;
using DataForge.Manifest.Model;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Labels;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// Map stage <c>image.files.SOURCE</c>, one per image source (<c>kind: image</c>): each file is looked at where its
/// relative path is known, so that a broken one fails as itself (quarantined under its path, privately) with the
/// byte offset of the problem. A PNG, TIFF or BMP (by content, whatever its extension) is decoded whole; a
/// <c>NAME.json</c> or <c>NAME.xml</c> must parse; the source's metadata table (<c>metadata:</c>) becomes one item per
/// row. Other files are skipped. Each passes on uncopied with private metadata: the image it belongs to (a keyed token
/// of source and path without extension, what <see cref="ImageSourceStage"/> groups on), its role and its path.
/// </summary>
public sealed class ImageFilesStage : IStage
{
    /// <summary>Stage id prefix; the source id follows.</summary>
    public const string IdPrefix = "image.files.";

    /// <summary>Bump when the metadata of the same file and config changes.</summary>
    public const int Version = 1;

    /// <summary>The metadata member naming the image a file belongs to.</summary>
    public const string ImageProperty = "image_source_item";

    /// <summary>The key column of a metadata table.</summary>
    public const string FileColumn = "file";

    private static readonly string[] ImageExtensions = [".png", ".tif", ".tiff", ".bmp"];

    private readonly SourceSpec _source;
    private readonly KeyedIdentity? _keys;

    /// <param name="source">The manifest's image source.</param>
    /// <param name="secret">The project secret (tokens are keyed when given).</param>
    public ImageFilesStage(SourceSpec source, byte[]? secret)
    {
        _source = source;
        _keys = secret is null ? null : new KeyedIdentity(secret);
        var config = new Dictionary<string, object?>
        {
            ["source"] = source.Id,
            ["metadata"] = source.Metadata,
            ["secret_fingerprint"] = _keys?.Fingerprint,
        };
        Definition = new StageDefinition(IdPrefix + source.Id, Version, StageShape.Map, [source.Id], CanonicalJson.FromObject(config)) { ReadsInputPaths = true };
    }

    public StageDefinition Definition { get; }

    /// <summary>The path of an image without its extension: what ties it to its sidecar and its table row.</summary>
    public static string StemOf(string relativePath) => Dicom.ImageSourceInstances.StemOf(relativePath);

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var item = input.Item;
        var path = item.Path ?? throw new InvalidOperationException("the stage reads input paths");
        if (_source.Metadata is { } table && string.Equals(path, table.Replace('\\', '/').TrimStart('.', '/'), StringComparison.Ordinal))
            return Rows(item);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        string role;
        JsonObject metadata;
        if (ImageExtensions.Contains(extension))
        {
            var bytes = item.ReadAllBytes();
            try
            {
                var image = RasterReader.Decode(bytes);
                metadata = new JsonObject { ["format"] = image.Format };
            }
            catch (Imaging.ImagingException e)
            {
                return StageResult.Failed($"not a readable {RasterReader.FormatOf(bytes) ?? extension.TrimStart('.').ToUpperInvariant()} image: {e.Message}");
            }
            role = "image";
        }
        else if (extension is ".json" or ".xml")
        {
            try { ImageSidecar.Parse(item.ReadAllBytes(), xml: extension == ".xml"); }
            catch (FormatException e) { return StageResult.Failed(e.Message); }
            role = "sidecar";
            metadata = new JsonObject { ["syntax"] = extension.TrimStart('.') };
        }
        else return StageResult.Success();
        metadata[ImageProperty] = Token(StemOf(path));
        metadata["role"] = role;
        metadata["source"] = _source.Id;
        metadata["path"] = path;
        return StageResult.Success(new StageOutput($"{Definition.Id}/{metadata[ImageProperty]}.{role}", item, JsonSerializer.SerializeToElement(metadata)));
    }

    // One item per row of the metadata table, keyed like the image its 'file' column names.
    private StageResult Rows(StageItem item)
    {
        LabelTable table;
        try { table = LabelTable.ParseCsv(item.ReadAllBytes()); }
        catch (FormatException e) { return StageResult.Failed("the metadata table is not valid CSV: " + e.Message); }
        if (!table.Columns.Contains(FileColumn)) return StageResult.Failed($"the metadata table has no '{FileColumn}' column (the image's path relative to the source folder)");
        var outputs = new List<StageOutput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var file = row.Fields[FileColumn].Trim().Replace('\\', '/');
            if (file.Length == 0) return StageResult.Failed($"row {row.Number} of the metadata table has an empty '{FileColumn}'");
            var token = Token(StemOf(file));
            if (!seen.Add(token)) return StageResult.Failed($"row {row.Number} of the metadata table names an image an earlier row names; keep one row per image");
            var cells = new JsonObject();
            foreach (var (column, value) in row.Fields) cells[column] = value;
            var metadata = new JsonObject { [ImageProperty] = token, ["role"] = "row", ["source"] = _source.Id, ["row"] = cells, ["row_number"] = row.Number };
            // The row is the item's content, so that a changed row reruns its image (actions are keyed on content).
            outputs.Add(new StageOutput($"{Definition.Id}/{token}.row", JsonSerializer.SerializeToUtf8Bytes(cells), JsonSerializer.SerializeToElement(metadata)));
        }
        return StageResult.Success(outputs);
    }

    private string Token(string stem)
    {
        var text = "image-source-item\0" + _source.Id + "\0" + stem;
        return _keys is { } keys ? keys.Hash(text, 26).ToLowerInvariant()
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..26];
    }
}
