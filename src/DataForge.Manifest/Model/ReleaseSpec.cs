namespace DataForge.Manifest.Model;

/// <summary>The <c>release:</c> section.</summary>
public sealed record ReleaseSpec
{
    public string Branch { get; init; } = "main";
    public string TagPrefix { get; init; } = "";

    /// <summary><c>card: true | false | {text: FILE}</c>: whether a release writes its dataset card, and where the authors' answers are.</summary>
    public CardSpec Card { get; init; } = new();
}
