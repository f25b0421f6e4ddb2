using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// Where one fact of an image is in its sidecar (the manifest's <c>fields:</c>), in one of three small syntaxes:
/// JSONPath-like, <c>$</c> then <c>.name</c>, <c>['name']</c> or <c>[index]</c> steps (<c>$.patient.id</c>, <c>$.spacing[0]</c>);
/// XPath-like, <c>/</c> separated element names from the root, each optionally <c>[n]</c> (1-based), the last optionally
/// <c>@attribute</c> (<c>/meta/patient/@id</c>; namespaces ignored); or a plain name: a column of a metadata table, a
/// top-level key of a JSON sidecar, a child of an XML sidecar's root. A selector yields the selected scalar, or every
/// scalar of a selected array (or the parts of an XML value separated by <c>\</c>, commas or spaces when several are asked for).
/// </summary>
public sealed class FieldSelector
{
    private abstract record Step;
    private sealed record Name(string Value) : Step;
    private sealed record Index(int Value) : Step;
    private sealed record Attribute(string Value) : Step;

    private readonly IReadOnlyList<Step> _steps;

    private FieldSelector(string text, SelectorSyntax syntax, IReadOnlyList<Step> steps)
    {
        Text = text;
        Syntax = syntax;
        _steps = steps;
    }

    /// <summary>The selector as the manifest writes it.</summary>
    public string Text { get; }

    /// <summary>Which syntax it is written in.</summary>
    public SelectorSyntax Syntax { get; }

    /// <summary>Parses a selector; throws <see cref="ArgumentException"/> saying what is wrong and at which character.</summary>
    public static FieldSelector Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (text[0] == '$') return new FieldSelector(text, SelectorSyntax.Json, ParseJson(text));
        if (text[0] == '/') return new FieldSelector(text, SelectorSyntax.Xml, ParseXml(text));
        if (text.IndexOfAny(['[', ']', '/', '@']) is var bad and >= 0)
            throw new ArgumentException($"a plain field name holds no '{text[bad]}' (character {bad + 1}); start with $ for a JSON path or / for an XML path");
        return new FieldSelector(text, SelectorSyntax.Plain, [new Name(text)]);
    }

    private static List<Step> ParseJson(string text)
    {
        var steps = new List<Step>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not ('.' or '[')) end++;
                if (end == i + 1) throw new ArgumentException($"an empty name after '.' at character {i + 1}");
                steps.Add(new Name(text[(i + 1)..end]));
                i = end;
            }
            else if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0) throw new ArgumentException($"'[' at character {i + 1} is not closed");
                var inner = text[(i + 1)..close];
                if (inner.Length >= 2 && (inner[0] is '\'' or '"') && inner[^1] == inner[0]) steps.Add(new Name(inner[1..^1]));
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) steps.Add(new Index(n));
                else throw new ArgumentException($"'[{inner}]' at character {i + 1} is neither an index nor a quoted name");
                i = close + 1;
            }
            else throw new ArgumentException($"expected '.' or '[' at character {i + 1}");
        }
        if (steps.Count == 0) throw new ArgumentException("'$' alone selects the whole sidecar; name a key ($.key)");
        return steps;
    }

    private static List<Step> ParseXml(string text)
    {
        var parts = text[1..].Split('/');
        var steps = new List<Step>();
        for (var p = 0; p < parts.Length; p++)
        {
            var part = parts[p];
            if (part.Length == 0) throw new ArgumentException("an empty step ('//' or a trailing '/'): name each element from the root");
            if (part[0] == '@')
            {
                if (p != parts.Length - 1 || part.Length == 1) throw new ArgumentException("an @attribute must be the last step and have a name");
                steps.Add(new Attribute(part[1..]));
                continue;
            }
            var bracket = part.IndexOf('[');
            if (bracket < 0) { steps.Add(new Name(part)); continue; }
            if (!part.EndsWith(']') || !int.TryParse(part[(bracket + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new ArgumentException($"step '{part}': an element index is [n] with n from 1");
            steps.Add(new Name(part[..bracket]));
            steps.Add(new Index(n - 1));
        }
        return steps;
    }

    /// <summary>The values a JSON sidecar holds at this selector (none when it has nothing there).</summary>
    public IReadOnlyList<string> Select(JsonObject sidecar)
    {
        if (Syntax == SelectorSyntax.Xml) return [];
        JsonNode? node = sidecar;
        foreach (var step in _steps)
        {
            node = (step, node) switch
            {
                (Name name, JsonObject o) => o[name.Value],
                (Index index, JsonArray a) => index.Value < a.Count ? a[index.Value] : null,
                _ => null,
            };
            if (node is null) return [];
        }
        return node is JsonArray array ? array.Select(Scalar).OfType<string>().ToList() : Scalar(node) is { } one ? [one] : [];
    }

    /// <summary>The values an XML sidecar holds at this selector.</summary>
    public IReadOnlyList<string> Select(XElement root)
    {
        if (Syntax == SelectorSyntax.Json) return [];
        var steps = _steps;
        IEnumerable<XElement> current;
        if (Syntax == SelectorSyntax.Plain) current = root.Elements().Where(e => e.Name.LocalName == ((Name)steps[0]).Value).Take(1);
        else
        {
            if (steps[0] is not Name first || first.Value != root.Name.LocalName) return [];
            current = [root];
            for (var i = 1; i < steps.Count; i++)
            {
                switch (steps[i])
                {
                    case Name name:
                        var next = current.Take(1).Elements().Where(e => e.Name.LocalName == name.Value);
                        current = i + 1 < steps.Count && steps[i + 1] is Index ? next : next.Take(1);
                        break;
                    case Index index:
                        current = current.Skip(index.Value).Take(1);
                        break;
                    case Attribute attribute:
                        return current.Take(1).Attributes().Where(a => a.Name.LocalName == attribute.Value).Select(a => a.Value.Trim()).Take(1).ToList();
                }
            }
        }
        return current.Take(1).Select(e => e.Value.Trim()).Where(v => v.Length > 0).ToList();
    }

    /// <summary>A metadata table row's value in this selector's column.</summary>
    public IReadOnlyList<string> Select(IReadOnlyDictionary<string, string> row) =>
        Syntax == SelectorSyntax.Plain && row.TryGetValue(Text, out var v) && v.Trim().Length > 0 ? [v.Trim()] : [];

    private static string? Scalar(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<string>(out var s) ? s.Trim() is { Length: > 0 } t ? t : null : v.ToJsonString()
        : null;
}

/// <summary>The syntax of a <see cref="FieldSelector"/>.</summary>
public enum SelectorSyntax
{
    /// <summary>A column name or top-level key.</summary>
    Plain,

    /// <summary>JSONPath-like (<c>$.a.b[0]</c>).</summary>
    Json,

    /// <summary>XPath-like (<c>/a/b/@c</c>).</summary>
    Xml,
}
