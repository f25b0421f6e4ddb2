using System.Globalization;

namespace DataForge.Stages.Volumes;

/// <summary>
/// Splits the frames of one SeriesInstanceUID into the stacks that can each be one volume: by matrix size,
/// orientation, echo and pixel spacing, then, inside a stack whose positions repeat, by Acquisition Number.
/// Names are deterministic: one suffix part per key that varies across the stacks, the 1-based rank of the
/// stack's value among that key's values.
/// </summary>
internal static class SeriesSplit
{
    private sealed record Keys(string Matrix, string Orientation, string Echo, string Spacing, string Acquisition);

    public static List<(string Suffix, List<SliceFacts> Slices)> Partition(List<SliceFacts> slices)
    {
        var stacks = slices.GroupBy(s => new Keys($"{s.Columns}x{s.Rows}", Key(s.Orientation, 4), s.Echo, Key(s.PixelSpacing, 6), ""))
            .SelectMany(ByAcquisition)
            .ToList();
        if (stacks.Count == 1) return [("", stacks[0].Slices)];

        var parts = new (char Letter, Func<Keys, string> Value, IComparer<string> Order)[]
        {
            ('m', k => k.Matrix, StringComparer.Ordinal),
            ('o', k => k.Orientation, StringComparer.Ordinal),
            ('s', k => k.Spacing, StringComparer.Ordinal),
            ('e', k => k.Echo, NumericFirst.Instance),
            ('a', k => k.Acquisition, NumericFirst.Instance),
        };
        var named = stacks.Select(s => (Suffix: "", s.Keys, s.Slices)).ToList();
        foreach (var (letter, value, order) in parts)
        {
            var values = stacks.Select(s => value(s.Keys)).Distinct().Order(order).ToList();
            if (values.Count < 2) continue;
            named = named.Select(n => (n.Suffix + $"_{letter}{values.IndexOf(value(n.Keys)) + 1}", n.Keys, n.Slices)).ToList();
        }
        return named.OrderBy(n => n.Suffix, StringComparer.Ordinal).Select(n => (n.Suffix, n.Slices)).ToList();
    }

    /// <summary>A stack whose frames repeat a position is split by Acquisition Number when that tells them apart.</summary>
    private static IEnumerable<(Keys Keys, List<SliceFacts> Slices)> ByAcquisition(IGrouping<Keys, SliceFacts> stack)
    {
        var list = stack.ToList();
        var positions = list.Select(s => Key(s.Position, 3)).Distinct().Count();
        var acquisitions = list.Select(s => s.Acquisition).Distinct().Count();
        if (positions == list.Count || acquisitions < 2) return [(stack.Key, list)];
        return list.GroupBy(s => s.Acquisition).Select(g => (stack.Key with { Acquisition = g.Key }, g.ToList()));
    }

    private static string Key(double[] values, int digits) =>
        string.Join("\\", values.Select(v => Math.Round(v, digits).ToString(CultureInfo.InvariantCulture)));

    /// <summary>Numbers in numeric order before other text in ordinal order.</summary>
    private sealed class NumericFirst : IComparer<string>
    {
        public static NumericFirst Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            var nx = double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var a);
            var ny = double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var b);
            if (nx && ny) return a != b ? a.CompareTo(b) : string.CompareOrdinal(x, y);
            if (nx != ny) return nx ? -1 : 1;
            return string.CompareOrdinal(x, y);
        }
    }
}
