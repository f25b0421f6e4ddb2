namespace DataForge.Synth;

/// <summary>
/// A small deterministic random generator (SplitMix64). Synthetic data must be the same bytes for
/// the same seed on every machine and runtime version, which System.Random does not promise.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min));

    /// <summary>A number in [min, max).</summary>
    public double Between(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>One element of a list.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];

    /// <summary>A generator for a named sub-stream, so that adding data of one kind never shifts another.</summary>
    public static SplitMix64 For(ulong seed, params object[] path)
    {
        var h = seed ^ 0xD6E8FEB86659FD93UL;
        foreach (var part in path)
            foreach (var c in part.ToString() ?? "")
                h = (h ^ c) * 0x100000001B3UL;
        var g = new SplitMix64(h);
        g.NextUInt64();
        return g;
    }
}
