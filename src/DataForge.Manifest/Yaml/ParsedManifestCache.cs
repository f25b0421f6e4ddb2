using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Manifest.Yaml;

/// <summary>
/// Remembers the last manifest text read here as its JSON tree with locations, so a command on an unchanged manifest
/// does not parse YAML: loading the YAML parser and its first document cost a no-op build of a small project about a
/// tenth of its time. <c>.dataforge/manifest.parsed</c> holds a first line, the hex SHA-256 of ("manifest-parsed/1",
/// manifest text), then the tree and the line and column of every value and key as JSON. A missing, unreadable or
/// different file simply means "parse"; it is written only where <c>.dataforge/</c> exists.
/// </summary>
internal sealed class ParsedManifestCache
{
    private const string FileName = "manifest.parsed";

    /// <summary>The build of this assembly (its module version id), which holds the YAML reading.</summary>
    private static readonly Guid Parser = typeof(ParsedManifestCache).Assembly.ManifestModule.ModuleVersionId;

    private readonly string _folder;
    private readonly string _digest;

    public ParsedManifestCache(string baseDirectory, string manifestText)
    {
        _folder = Path.Combine(baseDirectory, ".dataforge");
        // The parser's own build in the digest: a tool whose YAML reading changed never takes an older tool's tree.
        _digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"manifest-parsed/1\0{Parser}\0{manifestText}")));
    }

    /// <summary>The tree of exactly this text, when it was recorded here; otherwise null.</summary>
    public LocatedDocument? TryRead()
    {
        string content;
        try { content = File.ReadAllText(Path.Combine(_folder, FileName)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var newline = content.IndexOf('\n');
        if (newline < 0 || content.AsSpan(0, newline).Trim().SequenceEqual(_digest) is false) return null;
        try
        {
            if (JsonNode.Parse(content.AsSpan(newline + 1).ToString()) is not JsonObject saved
                || saved["values"] is not JsonArray values || saved["keys"] is not JsonArray keys) return null;
            var root = saved["root"];
            saved.Remove("root");
            return new LocatedDocument(root, Locations(values), Locations(keys));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Records the tree of this text (nothing where there is no <c>.dataforge/</c> or it cannot be written).</summary>
    public void Record(LocatedDocument document)
    {
        if (!Directory.Exists(_folder)) return;
        var saved = new JsonObject
        {
            ["root"] = document.Root?.DeepClone(),
            ["values"] = Entries(document.Values),
            ["keys"] = Entries(document.Keys),
        };
        PrivateFile.Write(_folder, FileName, _digest + "\n" + saved.ToJsonString() + "\n");
    }

    // [path, line, column] per entry.
    private static JsonArray Entries(IReadOnlyDictionary<string, SourceLocation> locations)
    {
        var array = new JsonArray();
        foreach (var (path, at) in locations) array.Add(new JsonArray(path, at.Line, at.Column));
        return array;
    }

    private static Dictionary<string, SourceLocation> Locations(JsonArray entries)
    {
        var locations = new Dictionary<string, SourceLocation>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var e = entry!.AsArray();
            locations[e[0]!.GetValue<string>()] = new SourceLocation(e[1]!.GetValue<int>(), e[2]!.GetValue<int>());
        }
        return locations;
    }
}
