using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Cli.Output;

/// <summary>
/// What <c>dataforge build</c> says about layout png, read from the published <c>png.report.json</c>: how many
/// de-identified instances became images, and a note for those that did not, by reason and modality (a CT series
/// without <c>output.png.slices: true</c> is left out on purpose, and the user should hear it).
/// </summary>
public static class PngSummary
{
    /// <summary>The report's path in the output folder (written by the png-report stage).</summary>
    public const string ReportPath = "png.report.json";

    /// <summary>Prints the summary when the build published a png report.</summary>
    public static void Write(CliConsole console, string outputRoot)
    {
        if (Read(outputRoot) is not { } r) return;
        console.Out.WriteLine($"layout png: {Count(r.GetProperty("images").GetInt32(), "image")} from {N(r.GetProperty("rendered").GetInt32())} of {Count(r.GetProperty("instances").GetInt32(), "instance")} (out/{ReportPath})");
        var modalities = r.GetProperty("modalities").EnumerateArray().ToList();
        string? ByModality(string reason)
        {
            var parts = modalities
                .Select(m => (Modality: m.GetProperty("modality").GetString()!, Count: m.GetProperty("not_rendered").TryGetProperty(reason, out var c) ? c.GetInt32() : 0))
                .Where(p => p.Count > 0).ToList();
            return parts.Count == 0 ? null : $"{Count(parts.Sum(p => p.Count), "instance")} ({string.Join(", ", parts.Select(p => $"{p.Modality} {N(p.Count)}"))})";
        }
        if (ByModality("cross-sectional-without-slices") is { } crossSectional)
            console.Note($"note: {crossSectional} of cross-sectional modalities not rendered: set output.png.slices: true to write one PNG per slice");
        if (ByModality("no-pixel-data") is { } noPixels)
            console.Note($"note: {noPixels} without pixel data (reports, presentation states) not rendered");
        if (ByModality("failed") is { } failed)
            console.Note($"note: {failed} not rendered because the png stage failed on them (listed above)");
    }

    /// <summary>The report itself for <c>build --json</c> (with <c>report</c>: its path), or null without one.</summary>
    public static JsonObject? ToJson(string outputRoot)
    {
        if (Read(outputRoot) is not { } r || JsonNode.Parse(r.GetRawText()) is not JsonObject json) return null;
        json["report"] = ReportPath;
        return json;
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Count(int n, string noun) => $"{N(n)} {noun}{(n == 1 ? "" : "s")}";

    private static JsonElement? Read(string outputRoot)
    {
        var path = Path.Combine(outputRoot, ReportPath);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("modalities", out var m) && m.ValueKind == JsonValueKind.Array
                && root.TryGetProperty("instances", out _) && root.TryGetProperty("rendered", out _) && root.TryGetProperty("images", out _)
                ? root : null;
        }
        catch (JsonException) { return null; }
    }
}
