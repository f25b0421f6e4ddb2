using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Release;

namespace DataForge.Cli.Output;

/// <summary>
/// What <c>dataforge build</c> says about the source files the DICOM screens left out, read from the published
/// <c>screening.json</c> (there only when some were): "N files are not DICOM, skipped", DICOMDIRs, damaged files
/// excluded by <c>on_unreadable</c>. Counts only; the files are listed by hash in the report.
/// </summary>
public static class ScreeningSummary
{
    /// <summary>Prints one line per kind of skipped file when the build published a screening report.</summary>
    public static void Write(CliConsole console, string outputRoot)
    {
        if (Read(outputRoot) is not { } report) return;
        foreach (var line in Lines(report)) console.Out.WriteLine(line);
    }

    /// <summary>The counts for <c>build --json</c>, or null without a report.</summary>
    public static JsonObject? ToJson(string outputRoot)
    {
        if (Read(outputRoot) is not { } report) return null;
        var summary = new JsonObject();
        foreach (var name in new[] { "skipped", "not_dicom", "media_storage_directory", "unreadable" })
            summary[name] = Count(report, name);
        summary["report"] = ExcludedSource.ReportPath;
        return summary;
    }

    private static IEnumerable<string> Lines(JsonElement report)
    {
        var notDicom = Count(report, "not_dicom");
        var directories = Count(report, "media_storage_directory");
        var unreadable = Count(report, "unreadable");
        if (notDicom > 0) yield return $"{Files(notDicom)} not DICOM, skipped (out/{ExcludedSource.ReportPath})";
        if (directories > 0) yield return $"{Files(directories)} a DICOMDIR (Media Storage Directory), never published";
        if (unreadable > 0) yield return $"{Files(unreadable)} damaged DICOM, excluded (on_unreadable: exclude; listed by hash in out/{ExcludedSource.ReportPath})";
    }

    private static string Files(int n) => n == 1 ? "1 file is" : $"{n} files are";

    private static int Count(JsonElement report, string name) =>
        report.TryGetProperty(name, out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0;

    private static JsonElement? Read(string outputRoot)
    {
        var path = Path.Combine(outputRoot, ExcludedSource.ReportPath);
        if (!File.Exists(path)) return null;
        try { return JsonDocument.Parse(File.ReadAllBytes(path)).RootElement; }
        catch (JsonException) { return null; }
    }
}
