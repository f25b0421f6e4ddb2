namespace DataForge.Synth;

/// <summary>What to generate: how many fake patients, slices per series, matrix size, and the seed.</summary>
public sealed record SynthOptions
{
    /// <summary>Number of fake patients; each gets one CT and one MR study.</summary>
    public int Patients { get; init; } = 3;

    /// <summary>Slices per series (at least 2).</summary>
    public int Slices { get; init; } = 16;

    /// <summary>Rows and columns of each slice.</summary>
    public int Matrix { get; init; } = 64;

    /// <summary>Same seed, same bytes.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Modalities to generate: CT, MR or both.</summary>
    public IReadOnlyList<string> Modalities { get; init; } = ["CT", "MR"];

    /// <summary>Transfer syntax of the files written.</summary>
    public string TransferSyntax { get; init; } = "explicit-le";

    /// <summary>Checks the options; returns the problem or null.</summary>
    public string? Problem()
    {
        if (Patients is < 1 or > 100_000) return "patients must be between 1 and 100000";
        if (Slices is < 2 or > 10_000) return "slices must be between 2 and 10000";
        if (Matrix is < 8 or > 4096) return "matrix must be between 8 and 4096";
        if (Modalities.Count == 0 || Modalities.Any(m => m is not ("CT" or "MR"))) return "modalities are CT and/or MR";
        if (!SynthWriter.TransferSyntaxes.ContainsKey(TransferSyntax))
            return $"transfer syntax must be one of {string.Join(", ", SynthWriter.TransferSyntaxes.Keys)}";
        return null;
    }
}
