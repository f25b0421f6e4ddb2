using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// The metadata of one image as its source gives it (private zone only): a JSON sidecar (<c>NAME.json</c>, one
/// object), an XML sidecar (<c>NAME.xml</c>) or a row of the source's metadata table. It answers the manifest's
/// <see cref="FieldSelector"/>s and lists its values key by key (<see cref="Entries"/>), for the DICOM keyword
/// mapping.
/// </summary>
public sealed class ImageSidecar
{
    private readonly JsonObject? _json;
    private readonly XElement? _xml;
    private readonly IReadOnlyDictionary<string, string>? _row;

    private ImageSidecar(JsonObject? json, XElement? xml, IReadOnlyDictionary<string, string>? row)
    {
        _json = json;
        _xml = xml;
        _row = row;
    }

    /// <summary>A sidecar of a metadata table's row.</summary>
    public static ImageSidecar OfRow(IReadOnlyDictionary<string, string> row) => new(null, null, row);

    /// <summary>Parses a JSON or XML sidecar; throws <see cref="FormatException"/> saying where it is broken (line, column), never what it holds.</summary>
    public static ImageSidecar Parse(byte[] bytes, bool xml) => xml ? new(null, ParseXml(bytes), null) : new(ParseJson(bytes), null, null);

    private static JsonObject ParseJson(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new FormatException("the JSON sidecar is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"the JSON sidecar is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})");
        }
    }

    private static XElement ParseXml(byte[] bytes)
    {
        // No DTD, no external entities: a sidecar is data, never a reason to open another file.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), settings);
            return XDocument.Load(reader).Root ?? throw new FormatException("the XML sidecar has no root element");
        }
        catch (XmlException e)
        {
            throw new FormatException($"the XML sidecar is not well-formed XML (line {e.LineNumber}, column {e.LinePosition})");
        }
    }

    /// <summary>The values at a selector (none when the sidecar has nothing there).</summary>
    public IReadOnlyList<string> Select(FieldSelector selector) =>
        _json is not null ? selector.Select(_json) : _xml is not null ? selector.Select(_xml) : selector.Select(_row!);

    /// <summary>
    /// Every key with its value: a JSON object's top-level keys (nested values as JSON, arrays of scalars as lists),
    /// an XML sidecar's leaf elements and attributes by local name (first occurrence), a row's columns.
    /// </summary>
    public IReadOnlyList<(string Key, JsonNode? Value)> Entries()
    {
        if (_json is not null) return _json.Select(p => (p.Key, p.Value)).ToList();
        if (_row is not null) return _row.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, (JsonNode?)JsonValue.Create(p.Value))).ToList();
        var entries = new List<(string, JsonNode?)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in _xml!.DescendantsAndSelf())
        {
            foreach (var a in e.Attributes().Where(a => !a.IsNamespaceDeclaration))
                if (seen.Add(a.Name.LocalName)) entries.Add((a.Name.LocalName, JsonValue.Create(a.Value)));
            if (!e.HasElements && seen.Add(e.Name.LocalName)) entries.Add((e.Name.LocalName, JsonValue.Create(e.Value)));
        }
        return entries;
    }
}
