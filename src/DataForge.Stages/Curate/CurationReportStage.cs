using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Engine.Hashing;
using DataForge.Engine.Stages;

namespace DataForge.Stages.Curate;

/// <summary>
/// Reduce stage <c>curate.report</c>: publishes <c>curation.json</c> and <c>curation.md</c>, the counts per
/// check and effect and every finding with its item (the first 12 hex digits of the file's content hash),
/// check, reason and effect. It reads metadata only and names nothing but hashes, attribute names,
/// counts and measurements: no PHI, no paths, no timestamps.
/// </summary>
public sealed class CurationReportStage : IStage
{
    /// <summary>Stage id.</summary>
    public const string Id = "curate.report";

    /// <summary>Bump when the report of the same findings changes.</summary>
    public const int Version = 1;

    /// <summary>Format version written into curation.json.</summary>
    public const int FormatVersion = 1;

    private readonly CurationPolicy _policy;

    public CurationReportStage(IReadOnlyList<string> inputs, CurationPolicy policy)
    {
        _policy = policy;
        Definition = new StageDefinition(Id, Version, StageShape.Reduce, inputs, CanonicalJson.From(policy.ToJson())) { Publish = true };
    }

    public StageDefinition Definition { get; }

    public StageResult Run(StageInput input, CancellationToken cancellationToken)
    {
        var files = 0;
        var byItem = new SortedDictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        foreach (var i in input.Items)
        {
            var m = i.Metadata;
            if (CurationMetadata.IsInstance(m)) files++;
            var item = CurationMetadata.ItemOf(m);
            if (!byItem.TryGetValue(item, out var list)) byItem[item] = list = [];
            list.Add(m);
        }
        var verdicts = byItem.Values.Select(v => CurationVerdict.Of(v, _policy)).OfType<CurationVerdict>().ToList();
        var json = ToJson(files, verdicts);
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        return StageResult.Success(
            new StageOutput("curation.json", Encoding.UTF8.GetBytes(text)),
            new StageOutput("curation.md", Encoding.UTF8.GetBytes(Markdown(json))));
    }

    private JsonObject ToJson(int files, List<CurationVerdict> verdicts)
    {
        var checks = new JsonArray();
        foreach (var check in CurationCheck.All)
        {
            var found = verdicts.SelectMany(v => v.Findings.Where(f => f.Check == check).Select(f => (v, f))).ToList();
            checks.Add(new JsonObject
            {
                ["check"] = check,
                ["on_fail"] = CurationPolicy.Name(_policy.EffectOf(check)),
                ["findings"] = found.Count,
                ["items"] = found.Select(x => x.v.Item).Distinct().Count(),
                ["warn"] = found.Count(x => _policy.EffectOf(x.f) == CheckEffect.Warn),
                ["exclude"] = found.Count(x => _policy.EffectOf(x.f) == CheckEffect.Exclude),
                ["error"] = found.Count(x => _policy.EffectOf(x.f) == CheckEffect.Error),
            });
        }
        var findings = new JsonArray();
        foreach (var v in verdicts)
            foreach (var f in v.Findings)
                findings.Add(new JsonObject
                {
                    ["item"] = v.Item[..12],
                    ["check"] = f.Check,
                    ["effect"] = CurationPolicy.Name(_policy.EffectOf(f)),
                    ["reason"] = f.Reason,
                });
        var excluded = new JsonArray();
        foreach (var v in verdicts.Where(v => !v.Kept))
            excluded.Add(new JsonObject
            {
                ["item"] = v.Item[..12],
                ["effect"] = CurationPolicy.Name(v.Effect!.Value),
                ["checks"] = new JsonArray(v.Findings.Where(f => _policy.EffectOf(f) != CheckEffect.Warn).Select(f => (JsonNode)f.Check).Distinct().ToArray()),
            });
        return new JsonObject
        {
            ["format"] = FormatVersion,
            ["files"] = files,
            ["items"] = verdicts.Count,
            ["kept"] = verdicts.Count(v => v.Kept),
            ["excluded"] = verdicts.Count(v => v.Effect == CheckEffect.Exclude),
            ["errors"] = verdicts.Count(v => v.Effect == CheckEffect.Error),
            ["checks"] = checks,
            ["excluded_items"] = excluded,
            ["findings"] = findings,
        };
    }

    private static string Markdown(JsonObject report)
    {
        var md = new StringBuilder();
        string N(JsonNode? n) => n!.GetValue<int>().ToString(CultureInfo.InvariantCulture);
        md.Append("# Curation report\n\n");
        md.Append($"{N(report["files"])} files, {N(report["items"])} distinct items: {N(report["kept"])} kept, ")
          .Append($"{N(report["excluded"])} excluded, {N(report["errors"])} failed an error check.\n\n");
        md.Append("| check | on_fail | findings | items | warn | exclude | error |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var c in report["checks"]!.AsArray())
            md.Append($"| {c!["check"]} | {c["on_fail"]} | {N(c["findings"])} | {N(c["items"])} | {N(c["warn"])} | {N(c["exclude"])} | {N(c["error"])} |\n");
        var findings = report["findings"]!.AsArray();
        if (findings.Count > 0)
        {
            md.Append("\n## Findings\n\nItems are named by the first 12 hex digits of the file's SHA-256.\n\n| item | check | effect | reason |\n| --- | --- | --- | --- |\n");
            foreach (var f in findings)
                md.Append($"| {f!["item"]} | {f["check"]} | {f["effect"]} | {f["reason"]!.GetValue<string>().Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
        return md.ToString();
    }
}
