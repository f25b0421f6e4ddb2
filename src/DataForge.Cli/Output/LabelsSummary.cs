using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Cli.Output;

/// <summary>
/// The lines <c>dataforge build</c> prints about each annotation, read from its published
/// <c>labels/ANNOTATION.report.json</c>: labels published and violations per check (link, value, required, ...),
/// so a label table half of whose rows name no de-identified patient is seen at build time, not found later in
/// the report. Counts and check names only; the rows stay in the report.
/// </summary>
public static class LabelsSummary
{
    /// <summary>Prints one line per annotation whose report the build published.</summary>
    public static void Write(CliConsole console, string outputRoot, IEnumerable<string> annotations)
    {
        foreach (var (name, report) in Read(outputRoot, annotations))
        {
            var violations = report.Checks.Count == 0 ? "no violations"
                : "violations: " + string.Join(", ", report.Checks.Select(c => $"{c.Key} {c.Value.ToString(CultureInfo.InvariantCulture)}"));
            console.Out.WriteLine($"labels: {name}: {report.Published.ToString(CultureInfo.InvariantCulture)} published; {violations} (on_fail: {report.OnFail}; labels/{name}.report.json)");
        }
    }

    /// <summary>The same counts for <c>build --json</c>, per annotation; null when no report was published.</summary>
    public static JsonObject? ToJson(string outputRoot, IEnumerable<string> annotations)
    {
        var json = new JsonObject();
        foreach (var (name, report) in Read(outputRoot, annotations))
        {
            var checks = new JsonObject();
            foreach (var (check, count) in report.Checks) checks[check] = count;
            json[name] = new JsonObject { ["published"] = report.Published, ["violations"] = checks, ["on_fail"] = report.OnFail, ["report"] = $"labels/{name}.report.json" };
        }
        return json.Count == 0 ? null : json;
    }

    private sealed record Report(int Published, string OnFail, SortedDictionary<string, int> Checks);

    private static IEnumerable<(string Name, Report Report)> Read(string outputRoot, IEnumerable<string> annotations)
    {
        foreach (var name in annotations)
        {
            var path = Path.Combine(outputRoot, "labels", name + ".report.json");
            if (!File.Exists(path)) continue;
            Report? report;
            try
            {
                var root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
                var checks = new SortedDictionary<string, int>(StringComparer.Ordinal);
                foreach (var v in root.GetProperty("violations").EnumerateArray())
                    if (v.GetProperty("check").GetString() is { } check) checks[check] = checks.GetValueOrDefault(check) + 1;
                report = new Report(root.GetProperty("published").GetInt32(), root.GetProperty("on_fail").GetString() ?? "", checks);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException) { report = null; }
            if (report is not null) yield return (name, report);
        }
    }
}
