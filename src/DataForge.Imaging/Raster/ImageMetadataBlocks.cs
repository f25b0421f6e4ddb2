using MetadataExtractor;
using MetadataExtractor.Formats.Xmp;

namespace DataForge.Imaging.Raster;

/// <summary>
/// Every metadata block of a PNG, TIFF or BMP file, field by field, enumerated by MetadataExtractor (a maintained
/// port of Drew Noakes's metadata-extractor that knows PNG text and eXIf chunks, TIFF IFDs and their private tags,
/// EXIF, GPS, IPTC, XMP and ICC): what <c>inspect</c> prints and what the image source's leak gate searches for. XMP is
/// listed property by property. None of it is ever copied into an output.
/// </summary>
public static class ImageMetadataBlocks
{
    /// <summary>The fields of every block, in file order; a file MetadataExtractor cannot parse gives what it could read.</summary>
    public static IReadOnlyList<MetadataBlock> Read(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(new MemoryStream(file, writable: false));
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            return [];
        }
        var fields = new List<MetadataBlock>();
        foreach (var directory in directories)
        {
            if (directory is XmpDirectory xmp)
            {
                foreach (var (path, value) in xmp.GetXmpProperties().OrderBy(p => p.Key, StringComparer.Ordinal))
                    if (!string.IsNullOrWhiteSpace(value)) fields.Add(new MetadataBlock(directory.Name, path, value, true));
                continue;
            }
            foreach (var tag in directory.Tags)
            {
                var raw = directory.GetObject(tag.Type);
                if (raw is IEnumerable<MetadataExtractor.KeyValuePair> pairs)
                {
                    // PNG tEXt/zTXt/iTXt: keyword and text, each text its own field.
                    foreach (var pair in pairs) fields.Add(new MetadataBlock(directory.Name, pair.Key, pair.Value.ToString(), true));
                    continue;
                }
                // MetadataExtractor's own verdict on the file type is a fact about the format, not text the file holds.
                var text = directory.Name != "File Type" && (raw is string or StringValue || (raw is byte[] && IsTextTag(tag.Name)));
                fields.Add(new MetadataBlock(directory.Name, tag.Name, tag.Description ?? raw?.ToString() ?? "", text));
            }
        }
        return fields;
    }

    // Fields MetadataExtractor keeps as bytes whose content is text written by people (EXIF UserComment, Windows XP tags).
    private static bool IsTextTag(string name) => name.Contains("Comment", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Windows XP", StringComparison.Ordinal);
}
