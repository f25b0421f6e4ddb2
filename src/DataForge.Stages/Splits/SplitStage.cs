using System.Text.Json;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;
using DataForge.Stages.Deidentify;
using DataForge.Stages.Labels;

namespace DataForge.Stages.Splits;

/// <summary>
/// Reduce stage <c>splits</c>: every de-identified patient (the <c>pseudonym</c> of its inputs'
/// metadata) placed in one split by <see cref="SplitAssigner"/>, published as <c>splits.json</c>
/// (schemas/splits.schema.json; pseudonyms only). When stratified, a patient's stratum is its value of
/// the categorical annotation read from the labels stage's file for it (values of several items of
/// one patient are joined with '|'; a patient without one is its own stratum, null).
/// </summary>
public sealed class SplitStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "splits";

    /// <summary>Bump when the output of the same inputs and config changes.</summary>
    public const int Version = 1;

    /// <summary>Output path.</summary>
    public const string OutputPath = "splits.json";

    private readonly SplitPolicy _policy;
    private readonly SplitAssigner _assigner;

    /// <param name="inputs">The stages whose outputs carry pseudonyms (deidentify), and the labels stage when stratified.</param>
    /// <param name="splitsConfig">The manifest's <c>splits:</c> section.</param>
    /// <param name="secret">The project secret.</param>
    public SplitStage(IReadOnlyList<string> inputs, JsonElement splitsConfig, byte[] secret)
    {
        _policy = SplitPolicy.From(splitsConfig);
        _assigner = new SplitAssigner(secret, _policy);
        var config = CanonicalJson.Parse(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["splits"] = splitsConfig,
            ["secret_fingerprint"] = new KeyedIdentity(secret).Fingerprint,
        }));
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, inputs, config) { Publish = true };
    }

    public StageDefinition Definition { get; }

    /// <summary>The bound <c>splits:</c> section.</summary>
    public SplitPolicy Policy => _policy;

    /// <summary>
    /// The split of a patient when the policy does not stratify: a function of the secret, seed, ratios and pseudonym
    /// only (<see cref="SplitAssigner"/>), so a stage can route one item without reading <c>splits.json</c>.
    /// </summary>
    public string UnstratifiedSplitOf(string pseudonym)
    {
        if (_policy.Stratify is not null) throw new InvalidOperationException("a stratified split depends on the patient's label; read splits.json");
        return _assigner.Assign(pseudonym, null).Split;
    }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var patients = new SortedSet<string>(StringComparer.Ordinal);
        var strata = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var sawStratifyFile = false;
        foreach (var item in input.Items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object) continue;
            if (m.TryGetProperty("label_file", out var annotation))
            {
                if (_policy.Stratify is null || annotation.GetString() != _policy.Stratify) continue;
                sawStratifyFile = true;
                LabelFile file;
                try { file = LabelFile.Parse(item.ReadAllBytes()); }
                catch (JsonException) { return StageResult.Failed($"the label file of '{_policy.Stratify}' is not valid JSON"); }
                foreach (var entry in file.Items)
                    if (entry.Patient is { } p && entry.Value is { } v)
                    {
                        if (!strata.TryGetValue(p, out var set)) strata[p] = set = new SortedSet<string>(StringComparer.Ordinal);
                        set.Add(v);
                    }
            }
            else if (m.TryGetProperty("pseudonym", out var pseudonym) && pseudonym.GetString() is { Length: > 0 } name)
                patients.Add(name);
        }
        if (_policy.Stratify is { } stratify && !sawStratifyFile)
            return StageResult.Failed($"stratify: no categorical labels named '{stratify}' reached the splits stage");

        var assignments = _assigner.AssignAll(patients.Select(p =>
            (p, _policy.Stratify is null ? null : strata.TryGetValue(p, out var v) ? string.Join('|', v) : null)));
        return StageResult.Success(new StageOutput(OutputPath, Write(assignments),
            JsonDocument.Parse("""{"splits":true}""").RootElement.Clone()));
    }

    private byte[] Write(IReadOnlyList<SplitAssignment> assignments)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("by", "patient");
            json.WriteString("seed", _policy.Seed);
            json.WriteStartObject("ratios");
            foreach (var (name, ratio) in _policy.Ratios) json.WriteNumber(name, ratio);
            json.WriteEndObject();
            if (_policy.Stratify is { } s) json.WriteString("stratify", s); else json.WriteNull("stratify");
            if (_policy.Folds is { } k) json.WriteNumber("folds", k); else json.WriteNull("folds");
            json.WritePropertyName("counts");
            Counts(json, assignments);
            if (_policy.Stratify is not null)
            {
                json.WriteStartArray("strata");
                foreach (var group in assignments.GroupBy(a => a.Stratum).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    if (group.Key is { } key) json.WriteString("stratum", key); else json.WriteNull("stratum");
                    json.WritePropertyName("counts");
                    Counts(json, group.ToList());
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteStartArray("patients");
            foreach (var a in assignments)
            {
                json.WriteStartObject();
                json.WriteString("pseudonym", a.Pseudonym);
                json.WriteString("split", a.Split);
                if (_policy.Folds is not null)
                {
                    if (a.Fold is { } f) json.WriteNumber("fold", f); else json.WriteNull("fold");
                }
                if (_policy.Stratify is not null)
                {
                    if (a.Stratum is { } st) json.WriteString("stratum", st); else json.WriteNull("stratum");
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private void Counts(Utf8JsonWriter json, IReadOnlyList<SplitAssignment> assignments)
    {
        json.WriteStartObject();
        foreach (var (name, _) in _policy.Ratios) json.WriteNumber(name, assignments.Count(a => a.Split == name));
        json.WriteEndObject();
    }

    /// <summary>Reads a published <c>splits.json</c>: pseudonym to (split, fold).</summary>
    public static IReadOnlyDictionary<string, (string Split, int? Fold)> Read(ReadOnlySpan<byte> utf8)
    {
        using var doc = JsonDocument.Parse(utf8.ToArray());
        var result = new Dictionary<string, (string, int?)>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.GetProperty("patients").EnumerateArray())
            result[p.GetProperty("pseudonym").GetString()!] = (p.GetProperty("split").GetString()!,
                p.TryGetProperty("fold", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : null);
        return result;
    }
}
