using System.Globalization;
using System.Text.Json;

namespace DataForge.Stages.Curate;

/// <summary>
/// <c>curate.series</c>: one series as a volume would see it. Localisers are flagged on their own (and
/// left out of the rest). A series mixing orientations, pixel spacings, matrix sizes, acquisitions or
/// echoes, missing instance numbers or slices along the slice normal (PS3.3 C.7.6.2.1.1), or spaced
/// unevenly beyond <c>spacing_tolerance</c> (relative to the median gap) is flagged as a whole, since
/// its volume would be wrong. Multi-frame instances carry their geometry per frame and are skipped.
/// </summary>
public sealed class SeriesIntegrity : IGroupCheck
{
    /// <summary>Relative deviation from the median slice gap allowed when the manifest sets none.</summary>
    public const double DefaultSpacingTolerance = 0.05;

    public string Id => "curate.series";
    public int Version => 1;
    public string GroupBy => "series";

    public IReadOnlyDictionary<string, List<Finding>> Check(IReadOnlyList<JsonElement> instances, JsonElement config)
    {
        var result = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var slices = new List<JsonElement>();
        foreach (var instance in instances)
        {
            if (instance.TryGetProperty("localizer", out var l) && l.ValueKind == JsonValueKind.True)
                result[CurationMetadata.ItemOf(instance)] = [new Finding(CurationCheck.Localizer, "localiser (Image Type LOCALIZER), not part of the series' volume")];
            else if (CurationMetadata.Integer(instance, "frames") is null or 1) slices.Add(instance);
        }
        if (slices.Count < 2) return result;
        var tolerance = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("spacing_tolerance", out var t) ? t.GetDouble() : DefaultSpacingTolerance;
        var reasons = SeriesReasons(slices, tolerance);
        if (reasons.Count > 0)
            foreach (var slice in slices)
                result[CurationMetadata.ItemOf(slice)] = reasons.Select(r => new Finding(CurationCheck.SeriesIntegrity, r)).ToList();
        return result;
    }

    private static List<string> SeriesReasons(List<JsonElement> slices, double tolerance)
    {
        var reasons = new List<string>();
        var n = slices.Count;
        int Distinct(Func<JsonElement, string> key) => slices.Select(key).Distinct(StringComparer.Ordinal).Count();
        string Rounded(JsonElement s, string name) =>
            CurationMetadata.Numbers(s, name) is { } v ? string.Join('\\', v.Select(x => Math.Round(x, 4).ToString("R", CultureInfo.InvariantCulture))) : "";
        var orientations = Distinct(s => Rounded(s, "orientation"));
        if (orientations > 1) reasons.Add($"mixed Image Orientation (Patient) within the series: {orientations} orientations");
        if (Distinct(s => Rounded(s, "pixel_spacing")) is var spacings and > 1) reasons.Add($"mixed Pixel Spacing within the series: {spacings} values");
        if (Distinct(s => $"{CurationMetadata.Integer(s, "rows")}x{CurationMetadata.Integer(s, "columns")}") is var matrices and > 1)
            reasons.Add($"mixed matrix sizes within the series: {matrices} sizes");
        var acquisitions = Distinct(s => CurationMetadata.Text(s, "acquisition"));
        var echoes = Distinct(s => CurationMetadata.Text(s, "echo"));
        if (acquisitions > 1) reasons.Add($"{acquisitions} acquisitions stacked in one series: split it by Acquisition Number");
        if (echoes > 1) reasons.Add($"{echoes} echoes stacked in one series: split it by Echo Numbers");

        var numbers = slices.Select(s => CurationMetadata.Integer(s, "instance_number")).ToList();
        if (numbers.All(x => x is not null))
        {
            var values = numbers.Select(x => x!.Value).ToList();
            var distinct = values.Distinct().Count();
            if (distinct < n) reasons.Add($"{n - distinct} repeated Instance Number value(s)");
            var missing = values.Max() - values.Min() + 1 - distinct;
            if (missing > 0) reasons.Add($"{missing} Instance Number value(s) missing between {values.Min()} and {values.Max()}");
        }
        if (orientations == 1 && acquisitions == 1 && echoes == 1) reasons.AddRange(SpacingReasons(slices, tolerance));
        return reasons;
    }

    /// <summary>Positions projected on the slice normal (row x column cosines), sorted; gaps against the median gap.</summary>
    private static IEnumerable<string> SpacingReasons(List<JsonElement> slices, double tolerance)
    {
        if (CurationMetadata.Numbers(slices[0], "orientation") is not { Length: 6 } o) yield break;
        double[] normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
        var distances = new List<double>();
        foreach (var s in slices)
        {
            if (CurationMetadata.Numbers(s, "position") is not { Length: 3 } p) yield break;
            distances.Add(p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]);
        }
        distances.Sort();
        var gaps = distances.Zip(distances.Skip(1), (a, b) => b - a).ToList();
        var median = gaps.Order().ElementAt(gaps.Count / 2);
        var same = gaps.Count(g => g < 1e-3);
        if (same > 0) yield return $"{same} slice(s) at the same position as another";
        if (median < 1e-3) yield break;
        var missing = 0L;
        var uneven = 0;
        var worst = 0.0;
        foreach (var gap in gaps.Where(g => g >= 1e-3))
        {
            var steps = Math.Round(gap / median);
            if (steps >= 2 && Math.Abs(gap - steps * median) <= tolerance * median * steps) missing += (long)steps - 1;
            else if (Math.Abs(gap - median) > tolerance * median) { uneven++; worst = Math.Max(worst, gap); }
        }
        var mm = median.ToString("0.###", CultureInfo.InvariantCulture);
        if (missing > 0) yield return $"{missing} slice(s) missing along the slice normal (gaps of whole multiples of the {mm} mm spacing)";
        if (uneven > 0)
            yield return $"uneven slice spacing: {uneven} gap(s) deviate more than {(tolerance * 100).ToString("0.#", CultureInfo.InvariantCulture)}% from the median {mm} mm (largest {worst.ToString("0.###", CultureInfo.InvariantCulture)} mm)";
    }
}
