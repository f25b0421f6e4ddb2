namespace DataForge.Manifest.Model;

/// <summary>One entry of <c>sources:</c>.</summary>
public sealed record SourceSpec
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public string? Path { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    public string? Format { get; init; }
    public string? Key { get; init; }
}
