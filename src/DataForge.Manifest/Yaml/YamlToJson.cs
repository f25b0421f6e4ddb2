using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DataForge.Manifest.Yaml;

/// <summary>
/// Reads one YAML document into a JSON tree with locations. Plain scalars are typed by the YAML 1.2
/// core schema (null, booleans, integers, floats; "yes" and "no" stay strings); quoted scalars are
/// always strings. Problems that YAML parsers often let through are reported: tabs used for
/// indentation, duplicate keys, more than one document, keys that are not scalars.
/// </summary>
public static partial class YamlToJson
{
    /// <summary>Parses text; returns the document (null when it could not be read) and the problems found.</summary>
    public static (LocatedDocument? Document, IReadOnlyList<ManifestDiagnostic> Problems) Read(string text, string fileName)
    {
        var problems = new List<ManifestDiagnostic>();
        CheckTabs(text, fileName, problems);
        if (problems.Count > 0) return (null, problems);

        var builder = new Builder(fileName, problems);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                return (new LocatedDocument(null, [], []), problems);
            parser.Consume<DocumentStart>();
            JsonNode? root = parser.Accept<DocumentEnd>(out _) ? null : builder.ReadNode(parser, "");
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                problems.Add(new ManifestDiagnostic(fileName, At(second.Start),
                    "a manifest holds one YAML document; remove the second '---' and what follows or merge it into the first"));
            return (builder.Finish(root), problems);
        }
        catch (YamlException e)
        {
            problems.Add(new ManifestDiagnostic(fileName, At(e.Start), "YAML syntax error: " + Describe(e)));
            return (null, problems);
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up without a position on some unterminated flow collections; the
            // last node read is the best place to point at.
            problems.Add(new ManifestDiagnostic(fileName, builder.LastLocation,
                "YAML syntax error after this point: a '[', '{' or quote is probably not closed"));
            return (null, problems);
        }
    }

    private static void CheckTabs(string text, string fileName, List<ManifestDiagnostic> problems)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            for (var c = 0; c < line.Length && (line[c] == ' ' || line[c] == '\t'); c++)
            {
                if (line[c] != '\t') continue;
                problems.Add(new ManifestDiagnostic(fileName, new SourceLocation(i + 1, c + 1),
                    "tab character in indentation; YAML indents with spaces only"));
                break;
            }
        }
    }

    internal static SourceLocation At(Mark mark) =>
        new(Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes messages with "(Line: .., Col: .., Idx: ..) - (...): "; the location is printed separately.
        var message = e.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && cut >= 0) message = message[(cut + 3)..];
        return message.TrimEnd('.');
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    /// <summary>YAML 1.2 core schema resolution of a plain scalar.</summary>
    internal static JsonNode? Resolve(Scalar scalar)
    {
        var v = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (DecimalInteger().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return Number(l.ToString(CultureInfo.InvariantCulture));
        if (v.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(v[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return Number(hex.ToString(CultureInfo.InvariantCulture));
        if (Float().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return double.IsFinite(d) ? Number(d.ToString("R", CultureInfo.InvariantCulture)) : JsonValue.Create(v);
        return JsonValue.Create(v);
    }

    // Numbers are kept as JSON number text so that they read back as int, long or double alike.
    private static JsonNode Number(string json) => JsonNode.Parse(json)!;

    private sealed class Builder(string fileName, List<ManifestDiagnostic> problems)
    {
        private readonly Dictionary<string, SourceLocation> _values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SourceLocation> _keys = new(StringComparer.Ordinal);
        private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);

        public SourceLocation LastLocation { get; private set; } = SourceLocation.Start;

        public LocatedDocument Finish(JsonNode? root) => new(root, _values, _keys);

        public JsonNode? ReadNode(IParser parser, string path)
        {
            var start = parser.Current ?? throw new YamlException("unexpected end of the document");
            _values[path] = At(start.Start);
            LastLocation = At(start.Start);
            JsonNode? node;
            string anchor;
            switch (start)
            {
                case Scalar scalar:
                    parser.MoveNext();
                    node = Resolve(scalar);
                    anchor = scalar.Anchor.IsEmpty ? "" : scalar.Anchor.Value;
                    break;
                case SequenceStart seq:
                    parser.MoveNext();
                    var array = new JsonArray();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                        array.Add(ReadNode(parser, ManifestPath.Index(path, array.Count)));
                    node = array;
                    anchor = seq.Anchor.IsEmpty ? "" : seq.Anchor.Value;
                    break;
                case MappingStart map:
                    parser.MoveNext();
                    node = ReadMapping(parser, path);
                    anchor = map.Anchor.IsEmpty ? "" : map.Anchor.Value;
                    break;
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value.Value} names no anchor defined before it");
                    return target?.DeepClone();
                default:
                    throw new YamlException(start.Start, start.End, "unexpected YAML event " + start.GetType().Name);
            }
            if (anchor.Length > 0) _anchors[anchor] = node;
            return node;
        }

        private JsonObject ReadMapping(IParser parser, string path)
        {
            var obj = new JsonObject();
            var firstSeen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (parser.Current is not Scalar key)
                {
                    var bad = parser.Current!;
                    problems.Add(new ManifestDiagnostic(fileName, At(bad.Start), "a mapping key must be a plain word, not a list or a mapping"));
                    SkipNode(parser);
                    SkipNode(parser);
                    continue;
                }
                parser.MoveNext();
                var keyLocation = At(key.Start);
                var childPath = ManifestPath.Property(path, key.Value);
                if (firstSeen.TryGetValue(key.Value, out var first))
                {
                    problems.Add(new ManifestDiagnostic(fileName, keyLocation,
                        $"duplicate key '{key.Value}' (first defined at line {first.Line}); remove one of them"));
                    SkipNode(parser);
                    continue;
                }
                firstSeen[key.Value] = keyLocation;
                _keys[childPath] = keyLocation;
                obj[key.Value] = ReadNode(parser, childPath);
            }
            return obj;
        }

        private static void SkipNode(IParser parser)
        {
            var depth = 0;
            do
            {
                var e = parser.Current!;
                if (e is MappingStart or SequenceStart) depth++;
                else if (e is MappingEnd or SequenceEnd) depth--;
                parser.MoveNext();
            } while (depth > 0);
        }
    }
}
