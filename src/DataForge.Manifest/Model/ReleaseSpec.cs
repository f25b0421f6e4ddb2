namespace DataForge.Manifest.Model;

/// <summary>The <c>release:</c> section.</summary>
public sealed record ReleaseSpec
{
    public string Branch { get; init; } = "main";
    public string TagPrefix { get; init; } = "";
    public bool Card { get; init; } = true;
}
