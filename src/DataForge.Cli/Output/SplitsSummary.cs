using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataForge.Cli.Output;

/// <summary>
/// The line <c>dataforge build</c> prints about the published <c>splits.json</c>: patients per split
/// against the ratios asked. A patient's split depends only on the patient and the seed (so adding
/// patients never moves one), which on a small cohort can leave a split far off its ratio or empty;
/// the summary says so rather than let a reviewer find an empty test set later.
/// </summary>
public static class SplitsSummary
{
    /// <summary>Prints the summary when the build published splits.</summary>
    public static void Write(CliConsole console, string outputRoot)
    {
        if (Read(outputRoot) is not { } splits) return;
        var total = splits.Sum(s => s.Patients);
        string Percent(double share) => (100 * share).ToString("0", CultureInfo.InvariantCulture) + "%";
        var got = string.Join(", ", splits.Select(s => $"{s.Name} {s.Patients} ({Percent(total == 0 ? 0 : (double)s.Patients / total)})"));
        var asked = string.Join(", ", splits.Select(s => $"{s.Name} {Percent(s.Ratio)}"));
        console.Out.WriteLine($"splits: {total} patient{(total == 1 ? "" : "s")}: {got}; asked {asked} (out/splits.json)");
        foreach (var empty in splits.Where(s => s.Ratio > 0 && s.Patients == 0))
            console.Note($"note: split '{empty.Name}' has no patient: each patient's split is fixed by the patient and the seed, so the ratios are met as the cohort grows, not on {total} patient{(total == 1 ? "" : "s")}");
    }

    /// <summary>The same counts for <c>build --json</c>: per split, patients and the ratio asked; null without splits.</summary>
    public static JsonObject? ToJson(string outputRoot)
    {
        if (Read(outputRoot) is not { } splits) return null;
        var json = new JsonObject();
        foreach (var s in splits) json[s.Name] = new JsonObject { ["patients"] = s.Patients, ["ratio"] = s.Ratio };
        return new JsonObject { ["patients"] = splits.Sum(s => s.Patients), ["splits"] = json, ["report"] = "splits.json" };
    }

    /// <summary>The splits in the customary order (train, val, test, then any other by name).</summary>
    private static List<(string Name, double Ratio, int Patients)>? Read(string outputRoot)
    {
        var path = Path.Combine(outputRoot, "splits.json");
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
            if (!root.TryGetProperty("ratios", out var ratios) || !root.TryGetProperty("counts", out var counts)) return null;
            static int Rank(string name) => name switch { "train" => 0, "val" or "validation" => 1, "test" => 2, _ => 3 };
            return ratios.EnumerateObject()
                .Select(r => (r.Name, r.Value.GetDouble(), counts.TryGetProperty(r.Name, out var n) ? n.GetInt32() : 0))
                .OrderBy(s => Rank(s.Name)).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return null; }
    }
}
