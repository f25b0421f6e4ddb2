using System.Globalization;

namespace DataForge.Release.Card;

/// <summary>Histogram bars for the card: one bar per value when there are few, else ten equal-width bins.</summary>
public static class CardHistogram
{
    /// <summary>Up to this many distinct values get a bar each.</summary>
    public const int MaxDistinct = 12;

    private const int BinCount = 10;

    /// <summary>(label, count) bars of <paramref name="values"/>, labels formatted with <paramref name="format"/> (invariant culture), in ascending order.</summary>
    public static IReadOnlyList<(string Label, double Value)> Bins(IReadOnlyList<double> values, string format)
    {
        if (values.Count == 0) return [];
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        // Equal values after formatting are one bar (0.7 and 0.70000001 are the same spacing to a reader).
        var distinct = values.GroupBy(F, StringComparer.Ordinal).Select(g => (Label: g.Key, At: g.Min(), Count: g.Count())).OrderBy(g => g.At).ToList();
        if (distinct.Count <= MaxDistinct) return distinct.Select(d => (d.Label, (double)d.Count)).ToList();
        var min = values.Min();
        var width = (values.Max() - min) / BinCount;
        var counts = new int[BinCount];
        foreach (var v in values) counts[Math.Min(BinCount - 1, (int)((v - min) / width))]++;
        return counts.Select((c, i) => ($"{F(min + i * width)}-{F(min + (i + 1) * width)}", (double)c)).ToList();
    }
}
