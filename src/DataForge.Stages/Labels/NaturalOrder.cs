namespace DataForge.Stages.Labels;

/// <summary>
/// Orders names whose runs of ASCII digits compare as numbers, the rest ordinally: sub-series suffixes
/// <c>_e2</c> before <c>_e10</c>, as a reader numbering echoes expects. Runs that are equal as numbers compare by
/// length (<c>_e02</c> after <c>_e2</c>), so the order is total and never depends on culture.
/// </summary>
public sealed class NaturalOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static NaturalOrder Instance { get; } = new();

    private NaturalOrder()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (a, b) = (Run(x, i), Run(y, j));
                var byValue = CompareDigits(x.AsSpan(i, a), y.AsSpan(j, b));
                if (byValue != 0) return byValue;
                if (a != b) return a.CompareTo(b);
                i += a;
                j += b;
                continue;
            }
            if (x[i] != y[j]) return x[i].CompareTo(y[j]);
            i++;
            j++;
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int Run(string s, int from)
    {
        var end = from;
        while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
        return end - from;
    }

    // Two digit runs by value, of any length (no overflow): leading zeros off, then the longer is larger, then digit by digit.
    private static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        return a.SequenceCompareTo(b);
    }
}
