using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataForge.Imaging.Raster;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Deidentify.Nifti;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// What the leak gate looks for besides the instance's own removed values, for an image of an image source: the
/// identifying parts of the image's and sidecar's paths (<see cref="PathIdentifiers"/>), the subject, session, study and
/// series labels, the text of every metadata block (PNG text chunks, TIFF and EXIF text tags, XMP properties) and the
/// values of sidecar keys left out of the instance. Text values are searched whole when they have at least 4
/// characters and a letter: shorter or purely numeric values would match inside UIDs and measurements. Also names the
/// fields in the de-identification report without ever using a value: a name that is not vocabulary is reported
/// as "(other keyword)" or "(other key)".
/// </summary>
public sealed partial class ImageIdentifiers
{
    // PNG 11.3.4.2: the registered keywords of text chunks.
    private static readonly HashSet<string> PngKeywords = new(StringComparer.Ordinal)
    {
        "Title", "Author", "Description", "Copyright", "Creation Time", "Software", "Disclaimer", "Warning", "Source", "Comment",
        "XML:com.adobe.xmp", "Raw profile type exif", "Raw profile type APP1", "Raw profile type iptc", "Raw profile type xmp",
    };

    private readonly SortedSet<string> _values = new(StringComparer.Ordinal);
    private readonly IReadOnlySet<string> _kept;

    /// <param name="kept">Values the image's facts keep (see <see cref="ImageFields.KeptValues"/>): never looked for.</param>
    public ImageIdentifiers(IReadOnlySet<string>? kept = null) => _kept = kept ?? new HashSet<string>();

    /// <summary>The identifying parts of a source-relative path.</summary>
    public void AddPath(string relativePath) => _values.UnionWith(PathIdentifiers.Of(relativePath));

    /// <summary>The labels the fields gave (the subject is also the instance's Patient ID).</summary>
    public void AddFacts(ImageFacts facts)
    {
        foreach (var label in new[] { facts.Subject, facts.Session, facts.Study, facts.Series, facts.Id })
            if (label is { } l && !SecondaryCapture.IsUid(l)) AddValue(l, minimum: 3);
    }

    /// <summary>A text value, when it is long enough to search (see the type's summary).</summary>
    public void AddValue(string? value, int minimum = 4)
    {
        var v = value?.Trim();
        if (v is null || v.Length < minimum || !v.Any(char.IsLetter) || _kept.Contains(v)) return;
        _values.Add(v);
    }

    /// <summary>Every string in a sidecar value.</summary>
    public void AddSidecarValue(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject o: foreach (var (_, v) in o) AddSidecarValue(v); break;
            case JsonArray a: foreach (var v in a) AddSidecarValue(v); break;
            case JsonValue v when v.TryGetValue<string>(out var s): AddValue(s); break;
        }
    }

    /// <summary>The values, ordinal order.</summary>
    public IReadOnlyList<string> ToList() => _values.ToList();

    /// <summary>
    /// True when a metadata field is counted in the report: every text field (PNG text chunks, TIFF and EXIF text tags,
    /// private tags), and every field of the EXIF sub-IFD, GPS, XMP and IPTC blocks; not the layout facts of the file
    /// (sizes, strip offsets, compression) nor what MetadataExtractor says of the file type (not text).
    /// </summary>
    public static bool IsCounted(MetadataBlock block) =>
        block.IsText || block.Block.StartsWith("Exif SubIFD", StringComparison.Ordinal)
        || block.Block.StartsWith("GPS", StringComparison.Ordinal) || block.Block.StartsWith("XMP", StringComparison.Ordinal)
        || block.Block.StartsWith("IPTC", StringComparison.Ordinal);

    /// <summary>The report's name of a metadata field: block and field, vocabulary only.</summary>
    public static string FieldName(MetadataBlock block)
    {
        string field;
        if (block.Block is "PNG-tEXt" or "PNG-zTXt" or "PNG-iTXt")
            field = PngKeywords.Contains(block.Field) ? block.Field : "(other keyword)";
        else if (block.Block.StartsWith("XMP", StringComparison.Ordinal))
            field = XmpName().Match(block.Field) is { Success: true } m ? m.Value : "(property)";
        else field = block.Field;
        return $"{block.Block}:{field}";
    }

    /// <summary>The report's name of a sidecar key or table column.</summary>
    public static string SidecarField(string key) => "sidecar:" + (SidecarKeys.IsVocabulary(key) ? key : "(other key)");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,15}:[A-Za-z][A-Za-z0-9]{0,40}")]
    private static partial Regex XmpName();
}
