using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Cli.Output;

/// <summary>
/// What <c>dataforge build</c> says about a training layout (nnunet, monai), read from the published
/// <c>layout.report.json</c>: cases per list, and a note for every kind of case the layout did not take as it is
/// (test cases of another modality left out of imagesTs, unlabelled cases, cases lacking a required mask, cases
/// labelled without some masks, overlapping masks). Cases are named by their layout names (pseudonym and number).
/// </summary>
public static class LayoutSummary
{
    /// <summary>The report's path in the output folder (written by the export stage).</summary>
    public const string ReportPath = "layout.report.json";

    /// <summary>Prints the summary when the build published a layout report.</summary>
    public static void Write(CliConsole console, string outputRoot)
    {
        if (Read(outputRoot) is not { } r) return;
        var lists = string.Join(", ", r.GetProperty("lists").EnumerateObject().Select(l => $"{l.Name} {Count(l.Value.GetInt32(), "case")}"));
        console.Out.WriteLine($"layout {r.GetProperty("layout").GetString()}: {Count(r.GetProperty("cases").GetInt32(), "case")}: {lists} (out/{ReportPath})");
        if (r.TryGetProperty("dropped_test_cases", out var dropped) && dropped.GetArrayLength() > 0)
            console.Note($"note: {Count(dropped.GetArrayLength(), "test case")} of another modality than the channel's left out of imagesTs: " +
                         Names(dropped, e => $"{e.GetProperty("case").GetString()} ({e.GetProperty("modality").GetString()})"));
        if (r.GetProperty("unlabelled").GetArrayLength() is > 0 and var unlabelled)
            console.Note($"note: {Count(unlabelled, "case")} outside the test split without a mask, not training: " +
                         Names(r.GetProperty("unlabelled"), e => e.GetString()!));
        if (r.GetProperty("excluded").GetArrayLength() is > 0 and var excluded)
            console.Note($"note: {Count(excluded, "case")} without the mask of a required annotation (on_fail: exclude), not labelled: " +
                         Names(r.GetProperty("excluded"), e => $"{e.GetProperty("case").GetString()} (no {string.Join(", ", e.GetProperty("missing").EnumerateArray().Select(m => m.GetString()))})"));
        if (r.GetProperty("partial").GetArrayLength() is > 0 and var partial)
            console.Note($"note: {Count(partial, "case")} labelled with the masks they have, others missing: " +
                         Names(r.GetProperty("partial"), e => $"{e.GetProperty("case").GetString()} (no {string.Join(", ", e.GetProperty("missing").EnumerateArray().Select(m => m.GetString()))})"));
        if (r.GetProperty("overlaps").GetArrayLength() is > 0 and var overlaps)
            console.Note($"note: masks overlap in {Count(overlaps, "case")}, the later annotation's class kept: " +
                         Names(r.GetProperty("overlaps"), e => $"{e.GetProperty("case").GetString()} ({Count(e.GetProperty("voxels").GetInt64(), "voxel")})"));
    }

    /// <summary>The report itself for <c>build --json</c> (with <c>report</c>: its path), or null without one.</summary>
    public static JsonObject? ToJson(string outputRoot)
    {
        if (Read(outputRoot) is not { } r || JsonNode.Parse(r.GetRawText()) is not JsonObject json) return null;
        json["report"] = ReportPath;
        return json;
    }

    private static string Count(long n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    // At most ten names on a line; the report lists them all.
    private static string Names(JsonElement list, Func<JsonElement, string> name)
    {
        var all = list.EnumerateArray().Select(name).ToList();
        return string.Join(", ", all.Take(10)) + (all.Count > 10 ? $", ... (out/{ReportPath})" : "");
    }

    private static JsonElement? Read(string outputRoot)
    {
        var path = Path.Combine(outputRoot, ReportPath);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("lists", out _) && root.TryGetProperty("unlabelled", out _)
                && root.TryGetProperty("excluded", out _) && root.TryGetProperty("partial", out _) && root.TryGetProperty("overlaps", out _)
                ? root : null;
        }
        catch (JsonException) { return null; }
    }
}
