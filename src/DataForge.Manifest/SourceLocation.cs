namespace DataForge.Manifest;

/// <summary>A 1-based line and column in a manifest file.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    /// <summary>The start of the file, used when nothing more precise is known.</summary>
    public static SourceLocation Start { get; } = new(1, 1);

    public override string ToString() => $"{Line}:{Column}";
}
