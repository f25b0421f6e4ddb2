using System.Text.Json.Nodes;

namespace DataForge.Manifest.Yaml;

/// <summary>
/// A YAML document turned into a JSON tree (for schema validation and binding), with the location of
/// every key and value so that each problem can be reported at its line and column.
/// </summary>
public sealed class LocatedDocument
{
    private readonly Dictionary<string, SourceLocation> _values;
    private readonly Dictionary<string, SourceLocation> _keys;

    internal LocatedDocument(JsonNode? root, Dictionary<string, SourceLocation> values, Dictionary<string, SourceLocation> keys)
    {
        Root = root;
        _values = values;
        _keys = keys;
    }

    /// <summary>The document as JSON; null for an empty document.</summary>
    public JsonNode? Root { get; }

    /// <summary>Where each value starts, by path (for <see cref="ParsedManifestCache"/>).</summary>
    internal IReadOnlyDictionary<string, SourceLocation> Values => _values;

    /// <summary>Where each mapping key is, by the path of its value.</summary>
    internal IReadOnlyDictionary<string, SourceLocation> Keys => _keys;

    /// <summary>Where the value at a path starts; if the path does not exist, where its nearest existing ancestor starts.</summary>
    public SourceLocation ValueAt(string path)
    {
        for (string? p = path; p is not null; p = ManifestPath.Parent(p))
            if (_values.TryGetValue(p, out var location)) return location;
        return SourceLocation.Start;
    }

    /// <summary>Where the key naming a property starts (for unknown or misplaced keys); falls back to the value.</summary>
    public SourceLocation KeyAt(string path) => _keys.TryGetValue(path, out var location) ? location : ValueAt(path);

    /// <summary>True when the path names a node that exists in the document.</summary>
    public bool Has(string path) => _values.ContainsKey(path);
}
