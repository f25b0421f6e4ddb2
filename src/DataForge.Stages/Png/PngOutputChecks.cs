using System.Globalization;
using DataForge.Manifest;
using DataForge.Manifest.Model;

namespace DataForge.Stages.Png;

/// <summary>Checks of <c>output.png</c> that the schema cannot express (the 2D layouts png and coco).</summary>
public static class PngOutputChecks
{
    /// <summary>The layouts that write PNG images.</summary>
    public static IReadOnlySet<string> Layouts { get; } = new HashSet<string>(StringComparer.Ordinal) { "png", "coco" };

    /// <summary>One diagnostic per problem, at the line and column of the value at fault.</summary>
    public static IReadOnlyList<ManifestDiagnostic> Run(DataForgeManifest m)
    {
        var problems = new List<ManifestDiagnostic>();
        if (m.Output.Png is not { } png) return problems;
        void Report(string path, string message, bool atKey = false) =>
            problems.Add(new ManifestDiagnostic(m.FilePath, atKey ? m.Document.KeyAt(path) : m.Document.ValueAt(path), message));
        if (!Layouts.Contains(m.Output.Layout))
            Report("output.png", $"output.png: only the png and coco layouts write PNG images, not {m.Output.Layout}; remove output.png or set output.layout: png", atKey: true);
        // COCO names its images by file_name and its readers expect PNG or JPEG; TIFF is for layout png.
        if (png["format"]?.GetValue<string>() == "tiff" && m.Output.Layout != "png")
            Report("output.png.format", $"output.png.format: tiff is written by layout png only, not {m.Output.Layout}; remove format or set output.layout: png");
        if (png["window"] is not System.Text.Json.Nodes.JsonObject window) return problems;
        double? Number(string key) => window[key]?.GetValue<double>();
        if (Number("min") is { } min && Number("max") is { } max && !(min < max))
            Report("output.png.window.max", $"output.png.window: max ({Text(max)}) must be above min ({Text(min)})");
        var function = window["function"]?.GetValue<string>() ?? "LINEAR";
        if (function == "LINEAR" && Number("width") is { } width && width < 1)
            Report("output.png.window.width", $"output.png.window.width: a LINEAR window needs width >= 1 (PS3.3 C.11.2.1.2.1), not {Text(width)}; use function: LINEAR_EXACT for narrower windows");
        return problems;
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
