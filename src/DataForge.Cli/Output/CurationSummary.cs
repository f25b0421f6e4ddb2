using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace DataForge.Cli.Output;

/// <summary>
/// The short curation table <c>dataforge build</c> prints, read from the published <c>curation.json</c>:
/// kept and excluded counts, then one row per check that found something. It holds counts only.
/// </summary>
public static class CurationSummary
{
    /// <summary>Prints the summary when the build published a curation report.</summary>
    public static void Write(CliConsole console, string outputRoot)
    {
        if (Read(outputRoot) is not { } report) return;
        static string N(JsonElement e, string name) => e.GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture);
        static string Count(string n, string noun) => n == "1" ? $"1 {noun}" : $"{n} {noun}s";
        console.Out.WriteLine($"curation: {N(report, "files")} files, {N(report, "kept")} kept, {N(report, "excluded")} excluded, " +
                              $"{N(report, "errors")} failed an error check (out/curation.md)");
        var rows = report.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("findings").GetInt32() > 0).ToList();
        if (rows.Count == 0) return;
        if (console.Interactive)
        {
            var table = new Table().AddColumns("check", "on_fail", "findings", "items", "warn", "exclude", "error");
            foreach (var c in rows)
                table.AddRow(c.GetProperty("check").GetString()!, c.GetProperty("on_fail").GetString()!, N(c, "findings"), N(c, "items"), N(c, "warn"), N(c, "exclude"), N(c, "error"));
            console.Ansi.Write(table);
        }
        else
        {
            foreach (var c in rows)
                console.Out.WriteLine($"  {c.GetProperty("check").GetString()} ({c.GetProperty("on_fail").GetString()}): {Count(N(c, "findings"), "finding")} on {Count(N(c, "items"), "item")}");
        }
    }

    /// <summary>
    /// The same summary for <c>build --json</c>: the report's counts and its per-check rows (counts only;
    /// the excluded items and findings stay in <c>curation.json</c>), or null without a report.
    /// </summary>
    public static JsonObject? ToJson(string outputRoot)
    {
        if (Read(outputRoot) is not { } report) return null;
        var summary = new JsonObject();
        foreach (var name in new[] { "files", "items", "kept", "excluded", "errors" })
            if (report.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number) summary[name] = n.GetInt32();
        if (report.TryGetProperty("checks", out var checks)) summary["checks"] = JsonNode.Parse(checks.GetRawText());
        summary["report"] = "curation.json";
        return summary;
    }

    private static JsonElement? Read(string outputRoot)
    {
        var path = Path.Combine(outputRoot, "curation.json");
        if (!File.Exists(path)) return null;
        try { return JsonDocument.Parse(File.ReadAllBytes(path)).RootElement; }
        catch (JsonException) { return null; }
    }
}
