using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataForge.Manifest.Model;

/// <summary>
/// <c>release.card</c>: <c>true</c> (the default) or <c>false</c>, or <c>{text: FILE, thumbnails: N}</c>, which writes
/// the card with the authors' answers to its Datasheet/Healthsheet questions read from FILE (relative to the manifest)
/// and N thumbnails per modality.
/// </summary>
[JsonConverter(typeof(CardSpecConverter))]
public sealed record CardSpec
{
    /// <summary>Whether <c>dataforge release</c> writes <c>releases/VERSION/card.md</c> and <c>card.html</c>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The authors' answers file (YAML: question id to text), relative to the manifest's folder; null when none.</summary>
    public string? Text { get; init; }

    /// <summary>Thumbnails per modality in card.html (0, the default: none).</summary>
    public int Thumbnails { get; init; }
}
