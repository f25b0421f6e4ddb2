using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataForge.Manifest.Schema;
using DataForge.Manifest.Yaml;

namespace DataForge.Manifest.Tests.Schema;

/// <summary>
/// The quick schema check is held against NJsonSchema (the oracle) on every manifest the repository's tests and
/// examples write, and on variants of each with a key dropped, a value of another kind, or an unknown key added:
/// when the quick check says valid, NJsonSchema must agree; when it says invalid, NJsonSchema must agree too.
/// </summary>
public sealed partial class QuickSchemaCheckTests
{
    private static readonly ManifestSchema Schema = ManifestSchema.Load();

    [Fact]
    public void Whenever_the_quick_check_is_sure_NJsonSchema_gives_the_same_verdict()
    {
        var manifests = Corpus();
        Assert.True(manifests.Count >= 10, $"only {manifests.Count} manifests were found in the repository's tests and examples");
        // And one with every key the schema declares, at every depth, so that every section is looked at.
        manifests.Add(("every key of the schema", Every(JsonNode.Parse(Schema.Text)!, JsonNode.Parse(Schema.Text)!, 0)!.ToJsonString()));
        int sure = 0, valid = 0, checkedVariants = 0;
        var disagreements = new List<string>();
        foreach (var (origin, json) in manifests)
            foreach (var (change, variant) in Variants(json))
            {
                checkedVariants++;
                var quick = Schema.QuickVerdict(variant);
                if (quick == QuickSchemaCheck.Verdict.Unsure) continue;
                sure++;
                var full = Schema.IsValidFully(variant);
                if (full) valid++;
                if (full != (quick == QuickSchemaCheck.Verdict.Valid)) disagreements.Add($"{origin} {change}: quick {quick}, NJsonSchema {(full ? "valid" : "invalid")}");
            }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
        // The check must be sure of most answers, valid ones included, or it spares nothing.
        Assert.True(sure > checkedVariants * 3 / 4, $"sure of {sure} of {checkedVariants}");
        Assert.True(valid > 100, $"only {valid} variants were judged valid by both");
    }

    [Fact]
    public void The_repository_manifest_and_the_starter_are_valid_without_NJsonSchema()
    {
        var root = RepositoryRoot();
        foreach (var path in new[] { "dataforge.yaml", "src/DataForge.Cli/Resources/starter.yaml" })
        {
            var text = File.ReadAllText(Path.Combine(root, path)).Replace("{{NAME}}", "demo", StringComparison.Ordinal);
            Assert.Equal(QuickSchemaCheck.Verdict.Valid, Schema.QuickVerdict(ToJson(text)!));
        }
    }

    [Fact]
    public void A_keyword_the_check_does_not_know_makes_it_unsure_never_lenient()
    {
        var schema = new QuickSchemaCheck("""{"type":"object","properties":{"a":{"type":"string","format":"email"}}}""");
        Assert.Equal(QuickSchemaCheck.Verdict.Unsure, schema.Check("""{"a":"not an address"}"""));
        Assert.Equal(QuickSchemaCheck.Verdict.Invalid, schema.Check("""{"a":1}"""));
        Assert.Equal(QuickSchemaCheck.Verdict.Unsure, new QuickSchemaCheck("""{"not":{"format":"email"}}""").Check("\"x\""));
    }

    /// <summary>Every manifest text of the repository: YAML files, and raw string literals of the tests that hold one.</summary>
    private static List<(string Origin, string Json)> Corpus()
    {
        var root = RepositoryRoot();
        var found = new List<(string, string)>();
        var files = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var texts = file.EndsWith(".yaml", StringComparison.Ordinal) ? [text] : RawStrings().Matches(text).Select(Dedent);
            var n = 0;
            foreach (var yaml in texts)
            {
                n++;
                if (!yaml.Contains("sources:", StringComparison.Ordinal) || ToJson(yaml) is not { } json) continue;
                found.Add(($"{Path.GetRelativePath(root, file)}#{n}", json));
            }
        }
        return found;
    }

    // A C# raw string literal that is not interpolated: its text, and the indentation of its closing quotes.
    [GeneratedRegex("(?<![$\"])\"\"\"[ \\t]*\\r?\\n(?<body>.*?)\\r?\\n(?<indent>[ \\t]*)\"\"\"", RegexOptions.Singleline)]
    private static partial Regex RawStrings();

    private static string Dedent(Match m)
    {
        var indent = m.Groups["indent"].Value;
        return string.Join('\n', m.Groups["body"].Value.Split('\n').Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l.TrimStart()));
    }

    private static string? ToJson(string yaml)
    {
        var (document, problems) = YamlToJson.Read(yaml, "dataforge.yaml");
        return document?.Root is JsonObject root && problems.Count == 0 ? root.ToJsonString() : null;
    }

    /// <summary>The manifest itself, then one change at a time at every place in it.</summary>
    private static IEnumerable<(string Change, string Json)> Variants(string json)
    {
        yield return ("as written", json);
        var original = JsonNode.Parse(json)!;
        foreach (var path in Places(original, ""))
            foreach (var (name, replacement) in Replacements())
            {
                var copy = JsonNode.Parse(json)!;
                if (Apply(copy, path, replacement)) yield return ($"{path} {name}", copy.ToJsonString());
            }
    }

    private static IEnumerable<(string, Func<JsonNode?, JsonNode?>?)> Replacements() =>
    [
        ("dropped", null),
        ("as text", _ => JsonValue.Create("x")),
        ("as zero", _ => JsonValue.Create(0)),
        ("as -1", _ => JsonValue.Create(-1)),
        ("as 1.5", _ => JsonValue.Create(1.5)),
        ("as 2.0", _ => JsonNode.Parse("2.0")),
        ("as true", _ => JsonValue.Create(true)),
        ("as null", _ => null),
        ("as empty list", _ => new JsonArray()),
        ("as empty mapping", _ => new JsonObject()),
        ("with an unknown key", n => n is JsonObject o ? WithKey(o) : n is JsonArray a && a.Count > 0 && a[0] is JsonObject first ? WithItem(a, WithKey(first)) : n?.DeepClone()),
        ("without its first item", n => n is JsonArray a && a.Count > 0 ? new JsonArray(a.Skip(1).Select(x => x?.DeepClone()).ToArray()) : n?.DeepClone()),
    ];

    private static JsonObject WithKey(JsonObject o)
    {
        var copy = (JsonObject)o.DeepClone();
        copy["zz_unknown"] = "x";
        return copy;
    }

    private static JsonArray WithItem(JsonArray a, JsonNode first) =>
        new([first, .. a.Skip(1).Select(x => x?.DeepClone())]);

    /// <summary>Every property of every mapping, and every item of every list, as a path of names and indexes.</summary>
    private static IEnumerable<string> Places(JsonNode? node, string path)
    {
        if (node is JsonObject o)
            foreach (var (key, value) in o)
            {
                yield return $"{path}/{key}";
                foreach (var inner in Places(value, $"{path}/{key}")) yield return inner;
            }
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
            {
                yield return $"{path}/{i}";
                foreach (var inner in Places(a[i], $"{path}/{i}")) yield return inner;
            }
    }

    private static bool Apply(JsonNode root, string path, Func<JsonNode?, JsonNode?>? replace)
    {
        var parts = path.Split('/')[1..];
        var parent = root;
        foreach (var part in parts[..^1])
            parent = parent is JsonObject o ? o[part]! : parent![int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]!;
        var last = parts[^1];
        if (parent is JsonObject obj)
        {
            if (replace is null) obj.Remove(last);
            else obj[last] = replace(obj[last]);
            return true;
        }
        var array = (JsonArray)parent!;
        var index = int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
        if (replace is null) array.RemoveAt(index);
        else array[index] = replace(array[index]);
        return true;
    }

    // Texts tried, in order, against a string's pattern: the first that matches is used.
    private static readonly string[] Samples =
        ["demo", "CT", "RAS", "env:SECRET", "file:secret.txt", "2024-01-01", "SUBJ-{hash:8}", "#00ff00", "https://example.org", "ANON", "(0010,0010)", "x"];

    /// <summary>An instance with every property the schema declares (first enum value, first sample matching a pattern).</summary>
    private static JsonNode? Every(JsonNode root, JsonNode schema, int depth)
    {
        if (depth > 12 || schema is not JsonObject s) return null;
        if (s["$ref"]?.GetValue<string>() is { } reference) return Every(root, root["definitions"]![reference.Split('/')[^1]]!, depth + 1);
        if (s["enum"] is JsonArray options) return options[0]?.DeepClone();
        var type = s["type"] is JsonArray types ? types[0]!.GetValue<string>() : s["type"]?.GetValue<string>() ?? (s["properties"] is null ? null : "object");
        switch (type)
        {
            case "object":
                var o = new JsonObject();
                if (s["properties"] is JsonObject properties)
                    foreach (var (key, inner) in properties)
                        if (Every(root, inner!, depth + 1) is { } value) o[key] = value;
                return o;
            case "array":
                return s["items"] is { } items && Every(root, items, depth + 1) is { } item ? new JsonArray(item) : new JsonArray();
            case "string":
                var pattern = s["pattern"]?.GetValue<string>();
                return pattern is null ? JsonValue.Create("demo") : Samples.FirstOrDefault(x => Regex.IsMatch(x, pattern)) is { } sample ? JsonValue.Create(sample) : null;
            case "integer":
                return JsonValue.Create(s["minimum"]?.GetValue<int>() ?? 1);
            case "number":
                return JsonValue.Create(s["minimum"]?.GetValue<double>() ?? (s["maximum"] is not null ? 0.5 : 1.5));
            case "boolean":
                return JsonValue.Create(true);
            default:
                return null;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "DataForge.sln"))) return dir;
        throw new InvalidOperationException("the repository root (DataForge.sln) was not found above the test's folder");
    }
}
