using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Manifest.Checks;
using DataForge.Manifest.Model;
using DataForge.Manifest.Schema;
using DataForge.Manifest.Yaml;

namespace DataForge.Manifest;

/// <summary>
/// Reads <c>dataforge.yaml</c>: YAML with locations, then the JSON Schema, then semantic checks (the
/// generic ones here, each section's by its module, which also refuses what this version cannot build yet). Every problem is a <see cref="ManifestDiagnostic"/>; nothing throws
/// for a bad manifest.
/// </summary>
/// <remarks>
/// <paramref name="sections"/>: the checks of the modules that own manifest sections (the stages' modules);
/// without them only the schema and the generic checks run.
/// </remarks>
public sealed class ManifestLoader(ManifestSchema schema, IReadOnlyList<ISectionChecks>? sections = null)
{
    /// <summary>Default manifest file name.</summary>
    public const string DefaultFileName = "dataforge.yaml";

    /// <summary>A loader with the embedded schema and the checks of the modules that own sections.</summary>
    public static ManifestLoader Create(params ISectionChecks[] sections) => new(ManifestSchema.Load(), sections);

    /// <summary>
    /// Loads and checks the manifest at <paramref name="path"/>; diagnostics name it
    /// <paramref name="displayName"/> (the path as the user typed it), or the path itself.
    /// </summary>
    public ManifestLoadResult Load(string path, string? displayName = null)
    {
        var shown = displayName ?? path;
        if (Directory.Exists(path))
            return Fail(shown, $"is a folder, not a manifest file; pass the file, e.g. -f {Path.Combine(path, DefaultFileName)}");
        if (!File.Exists(path))
            return Fail(shown, "no such file; run 'dataforge init' to create a starter manifest, or pass another with -f");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(shown, "cannot be read: " + e.Message);
        }
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            return Fail(shown, $"is not UTF-8 text (invalid byte at offset {e.Index}); a manifest is a YAML text file");
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return LoadText(text, shown, baseDirectory);
    }

    /// <summary>Checks manifest text; relative paths in it are resolved against <paramref name="baseDirectory"/>.</summary>
    public ManifestLoadResult LoadText(string text, string fileName, string baseDirectory)
    {
        if (text.Trim().Length == 0 || text.Split('\n').All(l => l.TrimStart().Length == 0 || l.TrimStart().StartsWith('#')))
            return new ManifestLoadResult(null, [new ManifestDiagnostic(fileName, SourceLocation.Start,
                "the manifest is empty; it needs at least version, name and sources ('dataforge init' writes a starter)")]);

        // The YAML is parsed only when this exact text was not parsed here before (see ParsedManifestCache).
        var parsed = new ParsedManifestCache(baseDirectory, text);
        var document = parsed.TryRead();
        if (document is null)
        {
            (document, var yamlProblems) = YamlToJson.Read(text, fileName);
            if (document is null || yamlProblems.Count > 0) return new ManifestLoadResult(null, yamlProblems);
            parsed.Record(document);
        }

        if (document.Root is not JsonObject)
            return new ManifestLoadResult(null, [new ManifestDiagnostic(fileName, document.ValueAt(""),
                "the manifest: expected a mapping (key: value lines), found " + (document.Root is JsonArray ? "a list" : "a single value"))]);

        // The schema check is skipped when this exact text passed it here before (see ValidatedStamp).
        var stamp = new ValidatedStamp(baseDirectory, schema.Text, text);
        if (!stamp.Matches())
        {
            var schemaProblems = schema.Validate(document, fileName);
            if (schemaProblems.Count > 0) return new ManifestLoadResult(null, schemaProblems);
            stamp.Record();
        }

        var manifest = Bind(document, fileName, baseDirectory);
        var problems = new List<ManifestDiagnostic>(SemanticChecks.Run(manifest));
        foreach (var section in sections ?? [])
            if (manifest.Document.Has(section.Section)) problems.AddRange(section.Check(manifest));
        problems.Sort((a, b) => (a.Location?.Line ?? 0, a.Location?.Column ?? 0).CompareTo((b.Location?.Line ?? 0, b.Location?.Column ?? 0)));
        return new ManifestLoadResult(manifest, problems);
    }

    private static DataForgeManifest Bind(LocatedDocument document, string fileName, string baseDirectory)
    {
        var root = document.Root!.AsObject();
        // Bound by hand (SectionBinder): the reflection-based serializer's first use costs a no-op build a quarter of its start-up.
        T? Section<T>(string key, Func<JsonNode, T> bind) where T : class => root[key] is { } node ? bind(node) : null;
        return new DataForgeManifest
        {
            Version = root["version"]!.GetValue<int>(),
            Name = root["name"]!.GetValue<string>(),
            Description = root["description"]?.GetValue<string>(),
            Secret = root["secret"] is JsonValue s ? SecretReference.Parse(s.GetValue<string>()) : null,
            Sources = Section("sources", SectionBinder.Sources)!,
            Curate = root["curate"]?.AsObject(),
            Deidentify = root["deidentify"]?.AsObject(),
            Harmonise = root["harmonise"]?.AsArray(),
            Labels = root["labels"]?.AsObject(),
            Splits = root["splits"]?.AsObject(),
            Output = Section("output", SectionBinder.Output) ?? new OutputSpec(),
            Store = root["store"]?.GetValue<string>(),
            State = root["state"] switch
            {
                JsonValue url => new StateSpec(url.GetValue<string>(), null),
                JsonObject state => new StateSpec(state["url"]!.GetValue<string>(), state["password"] is JsonValue p ? SecretReference.Parse(p.GetValue<string>()) : null),
                _ => null,
            },
            Release = Section("release", SectionBinder.Release) ?? new ReleaseSpec(),
            Execution = Section("execution", SectionBinder.Execution) ?? new ExecutionSpec(),
            Publish = Section("publish", SectionBinder.Publish) ?? new Dictionary<string, PublishTarget>(StringComparer.Ordinal),
            FilePath = fileName,
            BaseDirectory = baseDirectory,
            Document = document,
        };
    }

    private static ManifestLoadResult Fail(string path, string message) =>
        new(null, [new ManifestDiagnostic(path, null, message)]);
}
