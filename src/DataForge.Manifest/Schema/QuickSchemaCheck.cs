using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DataForge.Manifest.Schema;

/// <summary>
/// A quick first look at a manifest against the JSON Schema (draft-07), before NJsonSchema: loading NJsonSchema and
/// parsing the schema with it costs more start-up time than the rest of loading a manifest, and almost every
/// manifest is valid. This check answers only what it is sure of: <see cref="Verdict.Valid"/> skips NJsonSchema;
/// anything else (a problem, or a keyword or value it does not judge) leaves the verdict and every message to
/// NJsonSchema. It knows the keywords the schema uses; any other keyword makes it unsure, never lenient.
/// </summary>
internal sealed class QuickSchemaCheck
{
    /// <summary>What the quick check concluded.</summary>
    public enum Verdict { Valid, Invalid, Unsure }

    // Keywords that only annotate: they never change a verdict.
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "definitions",
    };

    private readonly JsonElement _root;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    public QuickSchemaCheck(string schemaText)
    {
        _root = JsonElement.Parse(schemaText);
    }

    /// <summary>Checks a document given as JSON text (the same text NJsonSchema would be given).</summary>
    public Verdict Check(string json)
    {
        JsonElement document;
        try { document = JsonElement.Parse(json); }
        catch (JsonException) { return Verdict.Unsure; }
        return Check(document, _root, 0);
    }

    private Verdict Check(JsonElement value, JsonElement schema, int depth)
    {
        if (depth > 64) return Verdict.Unsure;
        if (schema.ValueKind == JsonValueKind.True) return Verdict.Valid;
        if (schema.ValueKind != JsonValueKind.Object) return Verdict.Unsure;
        var verdict = Verdict.Valid;
        foreach (var keyword in schema.EnumerateObject())
        {
            var v = Keyword(value, schema, keyword.Name, keyword.Value, depth);
            if (v == Verdict.Invalid) return Verdict.Invalid;
            if (v == Verdict.Unsure) verdict = Verdict.Unsure;
        }
        return verdict;
    }

    private Verdict Keyword(JsonElement value, JsonElement schema, string name, JsonElement rule, int depth)
    {
        if (Annotations.Contains(name)) return Verdict.Valid;
        switch (name)
        {
            case "$ref":
                return Resolve(rule.GetString()) is { } target ? Check(value, target, depth + 1) : Verdict.Unsure;
            case "type":
                if (rule.ValueKind == JsonValueKind.String) return IsType(value, rule.GetString()!);
                if (rule.ValueKind != JsonValueKind.Array) return Verdict.Unsure;
                var any = Verdict.Invalid;
                foreach (var t in rule.EnumerateArray())
                {
                    var v = t.ValueKind == JsonValueKind.String ? IsType(value, t.GetString()!) : Verdict.Unsure;
                    if (v == Verdict.Valid) return Verdict.Valid;
                    if (v == Verdict.Unsure) any = Verdict.Unsure;
                }
                return any;
            case "enum":
                if (rule.ValueKind != JsonValueKind.Array) return Verdict.Unsure;
                foreach (var option in rule.EnumerateArray())
                    if (SameScalar(value, option)) return Verdict.Valid;
                return Verdict.Invalid;
            case "pattern":
                if (value.ValueKind != JsonValueKind.String) return Verdict.Valid;
                return Pattern(rule.GetString()!).IsMatch(value.GetString()!) ? Verdict.Valid : Verdict.Invalid;
            case "minLength" or "maxLength":
                if (value.ValueKind != JsonValueKind.String) return Verdict.Valid;
                return Length(value.GetString()!, name == "minLength", rule);
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum":
                return Bound(value, name, rule);
            case "minItems" or "maxItems":
                if (value.ValueKind != JsonValueKind.Array) return Verdict.Valid;
                return Count(value.GetArrayLength(), name == "minItems", rule);
            case "minProperties" or "maxProperties":
                if (value.ValueKind != JsonValueKind.Object) return Verdict.Valid;
                var properties = 0;
                foreach (var _ in value.EnumerateObject()) properties++;
                return Count(properties, name == "minProperties", rule);
            case "required":
                if (value.ValueKind != JsonValueKind.Object) return Verdict.Valid;
                foreach (var key in rule.EnumerateArray())
                {
                    // A key present with a null value: left to NJsonSchema, whose reading of it is its own.
                    if (!value.TryGetProperty(key.GetString()!, out var present)) return Verdict.Invalid;
                    if (present.ValueKind == JsonValueKind.Null) return Verdict.Unsure;
                }
                return Verdict.Valid;
            case "properties" or "additionalProperties":
                return name == "properties" ? Properties(value, rule, depth) : Additional(value, schema, rule, depth);
            case "items":
                if (value.ValueKind != JsonValueKind.Array) return Verdict.Valid;
                if (rule.ValueKind is not (JsonValueKind.Object or JsonValueKind.True)) return Verdict.Unsure;
                var items = Verdict.Valid;
                foreach (var item in value.EnumerateArray()) items = And(items, Check(item, rule, depth + 1));
                return items;
            case "not":
                return Check(value, rule, depth + 1) switch
                {
                    Verdict.Valid => Verdict.Invalid,
                    Verdict.Invalid => Verdict.Valid,
                    _ => Verdict.Unsure,
                };
            case "anyOf" or "oneOf" or "allOf":
                if (rule.ValueKind != JsonValueKind.Array) return Verdict.Unsure;
                int valid = 0, unsure = 0, count = 0;
                foreach (var branch in rule.EnumerateArray())
                {
                    count++;
                    var v = Check(value, branch, depth + 1);
                    if (v == Verdict.Valid) valid++;
                    else if (v == Verdict.Unsure) unsure++;
                }
                return Combine(name, count, valid, unsure);
            default:
                return Verdict.Unsure;
        }
    }

    private JsonElement? Resolve(string? reference)
    {
        const string prefix = "#/definitions/";
        if (reference is null || !reference.StartsWith(prefix, StringComparison.Ordinal)) return null;
        return _root.TryGetProperty("definitions", out var definitions) && definitions.TryGetProperty(reference[prefix.Length..], out var target)
            ? target
            : null;
    }

    private static Verdict IsType(JsonElement value, string type) => type switch
    {
        "object" => Is(value.ValueKind == JsonValueKind.Object),
        "array" => Is(value.ValueKind == JsonValueKind.Array),
        "string" => Is(value.ValueKind == JsonValueKind.String),
        "boolean" => Is(value.ValueKind is JsonValueKind.True or JsonValueKind.False),
        "null" => Is(value.ValueKind == JsonValueKind.Null),
        "number" => Is(value.ValueKind == JsonValueKind.Number),
        // Written without fraction or exponent: a whole number to any reader; 2.0 or 1e3 are left to NJsonSchema.
        "integer" => value.ValueKind != JsonValueKind.Number ? Verdict.Invalid
            : value.GetRawText().AsSpan().IndexOfAny(".eE") < 0 ? Verdict.Valid : Verdict.Unsure,
        _ => Verdict.Unsure,
    };

    private static Verdict Is(bool condition) => condition ? Verdict.Valid : Verdict.Invalid;

    /// <summary>Strings, booleans and null compare by value, numbers by their text; anything else is not judged.</summary>
    private static bool SameScalar(JsonElement value, JsonElement option) => (value.ValueKind, option.ValueKind) switch
    {
        (JsonValueKind.String, JsonValueKind.String) => value.GetString() == option.GetString(),
        (JsonValueKind.Number, JsonValueKind.Number) => value.GetRawText() == option.GetRawText(),
        (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False) or (JsonValueKind.Null, JsonValueKind.Null) => true,
        _ => false,
    };

    private Regex Pattern(string pattern)
    {
        if (!_patterns.TryGetValue(pattern, out var regex)) _patterns[pattern] = regex = new Regex(pattern, RegexOptions.CultureInvariant);
        return regex;
    }

    /// <summary>Length in characters; when UTF-16 units and code points disagree about the limit, NJsonSchema decides.</summary>
    private static Verdict Length(string text, bool minimum, JsonElement rule)
    {
        if (!rule.TryGetInt32(out var limit)) return Verdict.Unsure;
        var units = text.Length;
        var points = 0;
        foreach (var _ in text.EnumerateRunes()) points++;
        var byUnits = minimum ? units >= limit : units <= limit;
        var byPoints = minimum ? points >= limit : points <= limit;
        return byUnits == byPoints ? Is(byUnits) : Verdict.Unsure;
    }

    private static Verdict Count(int count, bool minimum, JsonElement rule) =>
        rule.TryGetInt32(out var limit) ? Is(minimum ? count >= limit : count <= limit) : Verdict.Unsure;

    private static Verdict Bound(JsonElement value, string name, JsonElement rule)
    {
        if (value.ValueKind != JsonValueKind.Number) return Verdict.Valid;
        // Draft-04 style boolean exclusive bounds, and numbers beyond decimal, are not judged here.
        if (rule.ValueKind != JsonValueKind.Number) return Verdict.Unsure;
        if (!decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || !decimal.TryParse(rule.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var limit)) return Verdict.Unsure;
        return Is(name switch
        {
            "minimum" => x >= limit,
            "maximum" => x <= limit,
            "exclusiveMinimum" => x > limit,
            _ => x < limit,
        });
    }

    private Verdict Properties(JsonElement value, JsonElement rule, int depth)
    {
        if (value.ValueKind != JsonValueKind.Object) return Verdict.Valid;
        var verdict = Verdict.Valid;
        foreach (var p in value.EnumerateObject())
            if (rule.TryGetProperty(p.Name, out var schema)) verdict = And(verdict, Check(p.Value, schema, depth + 1));
        return verdict;
    }

    private Verdict Additional(JsonElement value, JsonElement schema, JsonElement rule, int depth)
    {
        if (value.ValueKind != JsonValueKind.Object) return Verdict.Valid;
        if (schema.TryGetProperty("patternProperties", out _)) return Verdict.Unsure;
        var declared = schema.TryGetProperty("properties", out var properties) ? properties : default;
        var verdict = Verdict.Valid;
        foreach (var p in value.EnumerateObject())
        {
            if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(p.Name, out _)) continue;
            verdict = And(verdict, rule.ValueKind switch
            {
                JsonValueKind.False => Verdict.Invalid,
                JsonValueKind.True => Verdict.Valid,
                _ => Check(p.Value, rule, depth + 1),
            });
        }
        return verdict;
    }

    /// <summary>Both must hold: invalid if either is, unsure if either is, else valid.</summary>
    private static Verdict And(Verdict a, Verdict b) =>
        a == Verdict.Invalid || b == Verdict.Invalid ? Verdict.Invalid : a == Verdict.Unsure || b == Verdict.Unsure ? Verdict.Unsure : Verdict.Valid;

    // Plain loops and counts rather than LINQ over JSON elements: generic code over value types is compiled at run
    // time, at start-up, which is what this check is meant to spare.
    private static Verdict Combine(string how, int count, int valid, int unsure)
    {
        if (how == "allOf") return valid == count ? Verdict.Valid : valid + unsure == count ? Verdict.Unsure : Verdict.Invalid;
        if (how == "anyOf") return valid > 0 ? Verdict.Valid : unsure > 0 ? Verdict.Unsure : Verdict.Invalid;
        // oneOf: exactly one; with any branch unsure the count is not known.
        if (unsure > 0) return valid > 1 ? Verdict.Invalid : Verdict.Unsure;
        return Is(valid == 1);
    }
}
