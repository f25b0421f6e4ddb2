using System.Globalization;
using System.Text.Json;

namespace DataForge.Stages.Splits;

/// <summary>
/// The manifest's <c>splits:</c> section bound to types: split names with their fractions (in ordinal
/// order of the names, so the manifest's key order never changes an assignment), the seed, the
/// categorical annotation to stratify by and the number of folds.
/// </summary>
public sealed record SplitPolicy(IReadOnlyList<(string Name, double Ratio)> Ratios, string Seed, string? Stratify, int? Folds)
{
    /// <summary>The split that folds leave out (folds cut the other splits' patients).</summary>
    public const string TestSplit = "test";

    /// <summary>Binds a validated <c>splits:</c> section.</summary>
    public static SplitPolicy From(JsonElement config)
    {
        var ratios = config.GetProperty("ratios").EnumerateObject()
            .Select(p => (p.Name, p.Value.GetDouble()))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        var seed = config.TryGetProperty("seed", out var s)
            ? s.ValueKind == JsonValueKind.Number ? s.GetInt64().ToString(CultureInfo.InvariantCulture) : s.GetString()!
            : "";
        var stratify = config.TryGetProperty("stratify", out var st) ? st.GetString() : null;
        int? folds = config.TryGetProperty("folds", out var f) ? f.GetInt32() : null;
        return new SplitPolicy(ratios, seed, stratify, folds);
    }
}
