using System.Text.Json.Nodes;
using DataForge.Manifest.Yaml;
using NJsonSchema;
using NJsonSchema.Validation;

namespace DataForge.Manifest.Schema;

/// <summary>
/// The manifest's JSON Schema (schemas/dataforge.schema.json, embedded at build time) and the
/// translation of its validation errors into <c>FILE:LINE:COL: message</c> diagnostics.
/// </summary>
public sealed class ManifestSchema
{
    // Parsed on first use: a build whose manifest was validated before (see ValidatedStamp) never needs it,
    // and parsing it costs more start-up time than the rest of loading a manifest. Typed object, not JsonSchema: a
    // field of Lazy<JsonSchema> made loading this class load NJsonSchema and the netstandard facade it needs.
    private readonly Lazy<object> _schema;

    // Most manifests are valid: a quick check that is sure of that spares loading NJsonSchema at all.
    private readonly Lazy<QuickSchemaCheck> _quick;

    private ManifestSchema(string text)
    {
        Text = text;
        _schema = new Lazy<object>(() => JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult());
        _quick = new Lazy<QuickSchemaCheck>(() => new QuickSchemaCheck(text));
    }

    /// <summary>The schema document as shipped.</summary>
    public string Text { get; }

    /// <summary>Loads the embedded schema.</summary>
    public static ManifestSchema Load()
    {
        using var stream = typeof(ManifestSchema).Assembly.GetManifestResourceStream("dataforge.schema.json")
            ?? throw new InvalidOperationException("the manifest schema is not embedded in this build");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return new ManifestSchema(text);
    }

    /// <summary>Validates a document; one diagnostic per problem, in file order.</summary>
    public IReadOnlyList<ManifestDiagnostic> Validate(LocatedDocument document, string fileName)
    {
        var json = document.Root?.ToJsonString() ?? "null";
        if (_quick.Value.Check(json) == QuickSchemaCheck.Verdict.Valid) return [];
        return ValidateFully(json, document, fileName);
    }

    /// <summary>The quick check's verdict alone (for tests that hold it against NJsonSchema's).</summary>
    internal QuickSchemaCheck.Verdict QuickVerdict(string json) => _quick.Value.Check(json);

    /// <summary>NJsonSchema's verdict alone.</summary>
    internal bool IsValidFully(string json) => Schema.Validate(json).Count == 0;

    private JsonSchema Schema => (JsonSchema)_schema.Value;

    /// <summary>NJsonSchema's verdict and its problems, whatever the quick check says (tests compare the two).</summary>
    internal IReadOnlyList<ManifestDiagnostic> ValidateFully(string json, LocatedDocument document, string fileName)
    {
        var leaves = new List<ValidationError>();
        foreach (var error in Schema.Validate(json)) Flatten(error, leaves);
        return leaves
            .Select(e => Describe(e, document, fileName))
            .Distinct()
            .OrderBy(d => d.Location?.Line ?? 0).ThenBy(d => d.Location?.Column ?? 0).ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();
    }

    private static void Flatten(ValidationError error, List<ValidationError> leaves)
    {
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            foreach (var errors in child.Errors.Values)
                foreach (var e in errors) Flatten(e, leaves);
            return;
        }
        leaves.Add(error);
    }

    private static ManifestDiagnostic Describe(ValidationError e, LocatedDocument document, string fileName)
    {
        var path = ManifestPath.FromSchemaPath(e.Path);
        var schema = e.Schema?.ActualSchema;
        var node = Lookup(document.Root, path, out var exists);
        var shown = path.Length == 0 ? "the manifest" : path;
        string message;
        var location = document.ValueAt(path);
        switch (e.Kind)
        {
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
            {
                location = document.KeyAt(path);
                var parent = ManifestPath.Parent(path) ?? "";
                var allowed = ParentProperties(e);
                var name = e.Property ?? path;
                var hint = Suggest.Closest(name, allowed);
                message = $"unknown key '{name}' in {(parent.Length == 0 ? "the manifest" : parent)}"
                          + (hint is null ? "" : $"; did you mean '{hint}'?")
                          + (allowed.Count > 0 ? $" (allowed: {string.Join(", ", allowed)})" : "");
                break;
            }
            case ValidationErrorKind.PropertyRequired:
            {
                var parent = ManifestPath.Parent(path) ?? "";
                message = $"missing required key '{e.Property}' in {(parent.Length == 0 ? "the manifest" : parent)}";
                break;
            }
            case ValidationErrorKind.NotInEnumeration:
            {
                var options = schema?.Enumeration?.Select(v => v?.ToString() ?? "null").ToList() ?? [];
                var value = Show(node);
                var hint = node is JsonValue v && v.TryGetValue<string>(out var s) ? Suggest.Closest(s, options) : null;
                message = $"{shown}: {value} is not one of: {string.Join(", ", options)}" + (hint is null ? "" : $"; did you mean '{hint}'?");
                break;
            }
            case ValidationErrorKind.PatternMismatch:
                message = $"{shown}: {Show(node)} is not valid" + (schema?.Description is { Length: > 0 } d ? $" ({d.TrimEnd('.')})" : $" (must match {schema?.Pattern})");
                break;
            case ValidationErrorKind.StringExpected:
            case ValidationErrorKind.NumberExpected:
            case ValidationErrorKind.IntegerExpected:
            case ValidationErrorKind.BooleanExpected:
            case ValidationErrorKind.ObjectExpected:
            case ValidationErrorKind.ArrayExpected:
            case ValidationErrorKind.NullExpected:
                message = $"{shown}: expected {Expected(e.Kind, schema)}, found {(exists ? KindOf(node) : "nothing")}";
                break;
            case ValidationErrorKind.NumberTooSmall:
                message = schema?.ExclusiveMinimum is not null || schema?.IsExclusiveMinimum == true
                    ? $"{shown}: {Show(node)} is too small (must be above {schema?.ExclusiveMinimum ?? schema?.Minimum})"
                    : $"{shown}: {Show(node)} is too small (minimum {schema?.Minimum})";
                break;
            case ValidationErrorKind.NumberTooBig:
                message = schema?.ExclusiveMaximum is not null || schema?.IsExclusiveMaximum == true
                    ? $"{shown}: {Show(node)} is too large (must be below {schema?.ExclusiveMaximum ?? schema?.Maximum})"
                    : $"{shown}: {Show(node)} is too large (maximum {schema?.Maximum})";
                break;
            case ValidationErrorKind.StringTooShort:
                message = $"{shown}: must not be empty";
                break;
            case ValidationErrorKind.StringTooLong:
                message = $"{shown}: is too long (at most {schema?.MaxLength} characters)";
                break;
            case ValidationErrorKind.TooFewItems:
                message = $"{shown}: needs at least {schema?.MinItems} item{(schema?.MinItems == 1 ? "" : "s")}";
                break;
            case ValidationErrorKind.TooManyItems:
                message = $"{shown}: allows at most {schema?.MaxItems} item{(schema?.MaxItems == 1 ? "" : "s")}";
                break;
            case ValidationErrorKind.TooFewProperties:
                message = $"{shown}: needs at least {schema?.MinProperties} key{(schema?.MinProperties == 1 ? "" : "s")}"
                          + (schema?.Description is { Length: > 0 } dd ? $" ({dd.TrimEnd('.')})" : "");
                break;
            case ValidationErrorKind.TooManyProperties:
                message = $"{shown}: allows at most {schema?.MaxProperties} key{(schema?.MaxProperties == 1 ? "" : "s")}"
                          + (schema?.Description is { Length: > 0 } ddd ? $" ({ddd.TrimEnd('.')})" : "");
                break;
            default:
                message = $"{shown}: {e.Kind}";
                break;
        }
        return new ManifestDiagnostic(fileName, location, message);
    }

    private static IReadOnlyList<string> ParentProperties(ValidationError e)
    {
        var schema = e.Schema?.ActualSchema;
        return schema is null ? [] : schema.ActualProperties.Keys.ToList();
    }

    private static string Expected(ValidationErrorKind kind, JsonSchema? schema) => kind switch
    {
        ValidationErrorKind.StringExpected => "text",
        ValidationErrorKind.NumberExpected => "a number",
        ValidationErrorKind.IntegerExpected => "a whole number",
        ValidationErrorKind.BooleanExpected => "true or false",
        ValidationErrorKind.ObjectExpected => "a mapping (key: value lines)",
        ValidationErrorKind.ArrayExpected => "a list (- item lines)",
        _ => "nothing",
    };

    private static string KindOf(JsonNode? node) => node switch
    {
        null => "an empty value",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v when v.TryGetValue<string>(out _) => "text",
        JsonValue v when v.TryGetValue<bool>(out _) => "true/false",
        JsonValue v when v.TryGetValue<long>(out _) => "a whole number",
        _ => "a number",
    };

    private static string Show(JsonNode? node) => node switch
    {
        null => "an empty value",
        JsonValue v when v.TryGetValue<string>(out var s) => $"'{s}'",
        JsonObject => "a mapping",
        JsonArray => "a list",
        _ => node.ToJsonString(),
    };

    /// <summary>Finds the node at a path like <c>sources[1].path</c>.</summary>
    internal static JsonNode? Lookup(JsonNode? root, string path, out bool exists)
    {
        exists = true;
        if (path.Length == 0) return root;
        var current = root;
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') { i++; continue; }
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                var index = int.Parse(path.AsSpan(i + 1, close - i - 1), System.Globalization.CultureInfo.InvariantCulture);
                if (current is not JsonArray a || index >= a.Count) { exists = false; return null; }
                current = a[index];
                i = close + 1;
                continue;
            }
            var end = path.IndexOfAny(['.', '['], i);
            if (end < 0) end = path.Length;
            var key = path[i..end];
            if (current is not JsonObject o || !o.TryGetPropertyValue(key, out var next)) { exists = false; return null; }
            current = next;
            i = end;
        }
        return current;
    }
}
