using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Release;

/// <summary>
/// Writes and reads <c>releases/VERSION/manifest.json</c>. The bytes are a function of the content
/// only: members in a fixed order (object members of items and policy sorted ordinally), files by
/// path, two-space indentation (each file's item on one line), LF line ends, a final newline,
/// numbers as the stages wrote them.
/// </summary>
public static class ReleaseManifestJson
{
    public const string Schema = "https://dataforge.invalid/schemas/release-manifest.schema.json";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] ToBytes(ReleaseManifest m)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("$schema", Schema);
            w.WriteNumber("schema_version", ReleaseManifest.SchemaVersion);
            w.WriteString("dataset", m.Dataset);
            w.WriteString("version", m.Version);
            w.WriteString("tool_version", m.ToolVersion);
            w.WriteString("manifest_sha256", m.ManifestSha256);
            if (m.SecretFingerprint is { } fingerprint) w.WriteString("secret_fingerprint", fingerprint);
            w.WritePropertyName("policy");
            WriteSorted(w, m.Policy);
            var counts = m.Counts;
            w.WriteStartObject("counts");
            w.WriteNumber("patients", counts.Patients);
            w.WriteNumber("studies", counts.Studies);
            w.WriteNumber("series", counts.Series);
            w.WriteNumber("files", counts.Files);
            w.WriteNumber("bytes", counts.Bytes);
            w.WriteEndObject();
            w.WriteStartArray("sources");
            foreach (var s in m.Sources)
            {
                w.WriteStartObject();
                w.WriteString("source", s.Source);
                w.WriteString("sha256", s.Sha256);
                w.WriteNumber("size", s.Size);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("excluded");
            foreach (var e in m.Excluded)
            {
                w.WriteStartObject();
                w.WriteString("source", e.Source);
                w.WriteString("sha256", e.Sha256);
                w.WriteNumber("size", e.Size);
                w.WriteString("verdict", e.Verdict);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("files");
            foreach (var f in m.Files)
            {
                w.WriteStartObject();
                w.WriteString("path", f.Path);
                w.WriteNumber("size", f.Size);
                w.WriteString("sha256", f.Sha256);
                w.WriteString("kind", f.Kind);
                w.WriteStartObject("provenance");
                w.WriteString("stage", f.Provenance.Stage);
                w.WriteString("action", f.Provenance.Action);
                w.WriteStartArray("inputs");
                foreach (var i in f.Provenance.Inputs) w.WriteStringValue(i);
                w.WriteEndArray();
                w.WriteEndObject();
                // One line per item: a reviewer's diff of two manifests shows whole items, and arrays of
                // numbers do not take a line each.
                w.WritePropertyName("item");
                w.WriteRawValue(Canonical(f.Item), skipInputValidation: true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses a release manifest; a wrong schema version or a missing member is a <see cref="ReleaseException"/> naming it.</summary>
    public static ReleaseManifest Parse(string json, string what)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new ReleaseException($"{what}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ReleaseException($"{what}: not valid JSON (line {e.LineNumber + 1}): {e.Message.Split('.')[0]}");
        }
        var version = root["schema_version"]?.GetValue<int>();
        if (version is not { } v || v < ReleaseManifest.OldestReadable || v > ReleaseManifest.SchemaVersion)
            throw new ReleaseException($"{what}: schema_version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"} is not " +
                $"{ReleaseManifest.OldestReadable} to {ReleaseManifest.SchemaVersion}; use the DataForge version that wrote it");
        try
        {
            return new ReleaseManifest
            {
                Dataset = Req<string>(root, "dataset"),
                Version = Req<string>(root, "version"),
                ToolVersion = Req<string>(root, "tool_version"),
                ManifestSha256 = Req<string>(root, "manifest_sha256"),
                SecretFingerprint = root["secret_fingerprint"]?.GetValue<string>(),
                Policy = root["policy"]?.AsObject().DeepClone().AsObject() ?? [],
                Sources = (root["sources"]?.AsArray() ?? []).Select(s => new ReleaseSource(Req<string>(s!, "source"), Req<string>(s!, "sha256"), Req<long>(s!, "size"))).ToList(),
                Excluded = (root["excluded"]?.AsArray() ?? []).Select(e => new ExcludedSource(Req<string>(e!, "source"), Req<string>(e!, "sha256"),
                    Req<long>(e!, "size"), Req<string>(e!, "verdict"))).ToList(),
                Files = (root["files"]?.AsArray() ?? []).Select(f => new ReleaseFile
                {
                    Path = Req<string>(f!, "path"),
                    Size = Req<long>(f!, "size"),
                    Sha256 = Req<string>(f!, "sha256"),
                    Kind = Req<string>(f!, "kind"),
                    Provenance = new Provenance(Req<string>(f!["provenance"]!, "stage"), Req<string>(f!["provenance"]!, "action"),
                        f!["provenance"]!["inputs"]!.AsArray().Select(i => i!.GetValue<string>()).ToList()),
                    Item = f["item"]?.AsObject().DeepClone().AsObject() ?? [],
                }).ToList(),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new ReleaseException($"{what}: {e.Message}");
        }
    }

    /// <summary>Canonical text of a JSON node (members sorted, compact), for comparisons.</summary>
    public static string Canonical(JsonNode? node)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteSorted(w, node);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static T Req<T>(JsonNode node, string name) =>
        node[name] is { } v ? v.GetValue<T>() : throw new KeyNotFoundException($"member '{name}' is missing");

    private static void WriteSorted(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (name, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(name);
                    WriteSorted(w, value);
                }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var value in a) WriteSorted(w, value);
                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }
}
