using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Manifest.Model;

namespace DataForge.Manifest;

/// <summary>
/// Binds the manifest's typed sections (sources, output, release, execution, publish) from the JSON tree by hand. The
/// reflection-based serializer cost a no-op build about a quarter of its start-up (its first use compiles some
/// 150 methods at run time) and source generation did not avoid that. The rules are the serializer's as it was
/// used: snake_case keys, a key the record does not have or a missing required one is a <see cref="JsonException"/>
/// (the schema has refused both before), an absent key keeps the record's default, an explicit null sets null.
/// </summary>
internal static class SectionBinder
{
    public static List<SourceSpec> Sources(JsonNode node) =>
        Array(node, "sources").Select((s, i) => Source(Object(s, $"sources[{i}]"), $"sources[{i}]")).ToList();

    public static OutputSpec Output(JsonNode node)
    {
        var o = Object(node, "output");
        Known(o, "output", "path", "layout", "compress", "link", "png");
        var spec = new OutputSpec();
        return spec with
        {
            Path = Has(o, "path") ? String(o, "path")! : spec.Path,
            Layout = Has(o, "layout") ? String(o, "layout")! : spec.Layout,
            Compress = Has(o, "compress") ? Bool(o, "compress") : spec.Compress,
            Link = Has(o, "link") ? String(o, "link")! : spec.Link,
            Png = Has(o, "png") ? ObjectOrNull(o["png"], "output.png") : spec.Png,
        };
    }

    public static ReleaseSpec Release(JsonNode node)
    {
        var o = Object(node, "release");
        Known(o, "release", "branch", "tag_prefix", "card");
        var spec = new ReleaseSpec();
        return spec with
        {
            Branch = Has(o, "branch") ? String(o, "branch")! : spec.Branch,
            TagPrefix = Has(o, "tag_prefix") ? String(o, "tag_prefix")! : spec.TagPrefix,
            Card = Has(o, "card") ? Card(o["card"]) : spec.Card,
        };
    }

    public static Dictionary<string, PublishTarget> Publish(JsonNode node)
    {
        var targets = new Dictionary<string, PublishTarget>();
        foreach (var (name, value) in Object(node, "publish"))
        {
            var where = "publish." + name;
            if (value is null) { targets[name] = null!; continue; }
            var o = Object(value, where);
            Known(o, where, "kind", "url", "auth", "ca_file", "batch");
            var target = new PublishTarget { Url = Required(o, where, "url") };
            targets[name] = target with
            {
                Kind = Has(o, "kind") ? String(o, "kind")! : target.Kind,
                Auth = Has(o, "auth") ? Auth(o["auth"], where + ".auth") : null,
                CaFile = String(o, "ca_file"),
                Batch = Has(o, "batch") ? Int(o, "batch") : target.Batch,
            };
        }
        return targets;
    }

    public static ExecutionSpec Execution(JsonNode node)
    {
        var o = Object(node, "execution");
        Known(o, "execution", "executor", "slurm");
        var spec = new ExecutionSpec();
        return spec with
        {
            Executor = Has(o, "executor") ? String(o, "executor")! : spec.Executor,
            Slurm = o["slurm"] is { } slurm ? Slurm(Object(slurm, "execution.slurm")) : spec.Slurm,
        };
    }

    private static SlurmSpec Slurm(JsonObject o)
    {
        const string where = "execution.slurm";
        Known(o, where, "partition", "account", "time_limit", "cpus_per_task", "mem_per_task", "max_array_size", "sbatch_flags", "retries", "poll_seconds");
        // No defaults here: the engine's SlurmSettings states them, and the project binds this section into it.
        return new SlurmSpec
        {
            Partition = String(o, "partition"),
            Account = String(o, "account"),
            TimeLimit = String(o, "time_limit"),
            CpusPerTask = o["cpus_per_task"] is null ? null : Int(o, "cpus_per_task"),
            MemPerTask = String(o, "mem_per_task"),
            MaxArraySize = o["max_array_size"] is null ? null : Int(o, "max_array_size"),
            SbatchFlags = Strings(o["sbatch_flags"], where + ".sbatch_flags"),
            Retries = o["retries"] is null ? null : Int(o, "retries"),
            PollSeconds = o["poll_seconds"] is null ? null : Number(o, "poll_seconds"),
        };
    }

    private static SourceSpec Source(JsonObject o, string where)
    {
        Known(o, where, "id", "kind", "path", "url", "include", "exclude", "format", "key", "subject", "on_unreadable", "query",
            "auth", "ca_file", "modality", "fields", "metadata");
        var spec = new SourceSpec { Id = Required(o, where, "id"), Kind = Required(o, where, "kind") };
        return spec with
        {
            Path = String(o, "path"),
            Url = String(o, "url"),
            Include = Has(o, "include") ? Strings(o["include"], where + ".include")! : spec.Include,
            Exclude = Has(o, "exclude") ? Strings(o["exclude"], where + ".exclude")! : spec.Exclude,
            Format = String(o, "format"),
            Key = String(o, "key"),
            Subject = String(o, "subject"),
            OnUnreadable = Has(o, "on_unreadable") ? String(o, "on_unreadable")! : spec.OnUnreadable,
            Query = Has(o, "query") ? ObjectOrNull(o["query"], where + ".query") : null,
            Auth = Has(o, "auth") ? Auth(o["auth"], where + ".auth") : null,
            CaFile = String(o, "ca_file"),
            Modality = String(o, "modality"),
            Fields = Has(o, "fields") ? StringMap(o["fields"], where + ".fields") : null,
            Metadata = String(o, "metadata"),
        };
    }

    private static DicomWebAuth? Auth(JsonNode? node, string where)
    {
        if (node is null) return null;
        var o = Object(node, where);
        Known(o, where, "basic", "bearer");
        return new DicomWebAuth { Basic = String(o, "basic"), Bearer = String(o, "bearer") };
    }

    /// <summary><c>release.card</c> is read by its own converter (true, false or an object).</summary>
    private static CardSpec Card(JsonNode? node)
    {
        if (node is null) return null!;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(node.ToJsonString()));
        reader.Read();
        return new CardSpecConverter().Read(ref reader, typeof(CardSpec), null!);
    }

    private static bool Has(JsonObject o, string key) => o.ContainsKey(key);

    private static void Known(JsonObject o, string where, params string[] keys)
    {
        foreach (var (key, _) in o)
            if (System.Array.IndexOf(keys, key) < 0) throw new JsonException($"{where}: unknown member '{key}'");
    }

    private static string Required(JsonObject o, string where, string key) =>
        Has(o, key) ? String(o, key)! : throw new JsonException($"{where}: the required member '{key}' is missing");

    private static string? String(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new JsonException($"'{key}': expected a string"),
    };

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        ? v.GetValue<bool>()
        : throw new JsonException($"'{key}': expected true or false");

    private static int Int(JsonObject o, string key) => o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i)
        ? i
        : throw new JsonException($"'{key}': expected a whole number");

    private static double Number(JsonObject o, string key) => o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        ? v.GetValue<double>()
        : throw new JsonException($"'{key}': expected a number");

    private static List<string>? Strings(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonArray a => a.Select(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : e is null ? null! : throw new JsonException($"{where}: expected strings")).ToList(),
        _ => throw new JsonException($"{where}: expected a list"),
    };

    private static Dictionary<string, string>? StringMap(JsonNode? node, string where)
    {
        if (node is null) return null;
        var map = new Dictionary<string, string>();
        foreach (var (key, value) in Object(node, where))
            map[key] = value switch
            {
                null => null!,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => throw new JsonException($"{where}.{key}: expected a string"),
            };
        return map;
    }

    private static JsonObject? ObjectOrNull(JsonNode? node, string where) => node is null ? null : Object(node, where).DeepClone().AsObject();

    private static JsonObject Object(JsonNode? node, string where) =>
        node as JsonObject ?? throw new JsonException($"{where}: expected a mapping");

    private static JsonArray Array(JsonNode? node, string where) =>
        node as JsonArray ?? throw new JsonException($"{where}: expected a list");
}
