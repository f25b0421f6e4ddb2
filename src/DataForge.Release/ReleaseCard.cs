using DataForge.Release.Card;

namespace DataForge.Release;

/// <summary>
/// The dataset card of a release: <c>releases/VERSION/card.md</c> and <c>card.html</c> (when <c>release.card</c> is on),
/// and what <c>dataforge report</c> writes. Made from the release manifest (counts, composition, split balance,
/// labels, geometry, curation, the de-identification policy in words), the manifest's description, the authors'
/// answers (<c>release.card.text</c>) and the pinned curation report when the store holds it; no date, so the same
/// inputs give the same bytes. See <see cref="CardContent"/>.
/// </summary>
public static class ReleaseCard
{
    /// <summary>
    /// The card's format: bump when the card of the same release changes (a section, a table, a plot), as a stage's
    /// version is bumped when its output changes. Written into both files; <c>verify</c> compares a committed card
    /// byte for byte only when it has this format (an older card is said to be of another format, not failed).
    /// </summary>
    /// <remarks>2: patients by sex and age band, study years, models, intensity, mask volumes, thumbnails.</remarks>
    public const int Format = 2;

    /// <summary>The line each card carries that names its format (an HTML meta element; a comment in the Markdown).</summary>
    public static string FormatMark => $"DataForge dataset card, format {Format}";

    /// <summary>The format a card's text names, or null when it names none (a card written before formats were named).</summary>
    public static int? FormatOf(string card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var match = System.Text.RegularExpressions.Regex.Match(card, "DataForge dataset card, format ([0-9]+)");
        return match.Success && int.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var f) ? f : null;
    }

    /// <summary>The card's file names in <c>releases/VERSION/</c>.</summary>
    public const string MarkdownFile = "card.md", HtmlFile = "card.html";

    /// <summary>The card as Markdown (thumbnails, <c>release.card.thumbnails</c> per modality, are only named: card.html holds them).</summary>
    public static string Markdown(ReleaseManifest m, string? description, IReadOnlyDictionary<string, string>? answers = null, Func<string, byte[]?>? readObject = null, int thumbnails = 0) =>
        CardMarkdown.Render(CardContent.Build(m, description, answers ?? new Dictionary<string, string>(), readObject, thumbnails));

    /// <summary>
    /// Both files of a release's card from one reading of it: the sections (whose plots and thumbnails read every image
    /// of the release from the store) are computed once for <c>card.md</c> and <c>card.html</c>.
    /// </summary>
    public static (string Markdown, string Html) Both(ReleaseManifest m, string? description, IReadOnlyDictionary<string, string>? answers = null, Func<string, byte[]?>? readObject = null, int thumbnails = 0)
    {
        var sections = CardContent.Build(m, description, answers ?? new Dictionary<string, string>(), readObject, thumbnails);
        return (CardMarkdown.Render(sections), CardHtml.Render($"{m.Dataset} {m.Version}", sections));
    }

    /// <summary>The card as one self-contained HTML document.</summary>
    public static string Html(ReleaseManifest m, string? description, IReadOnlyDictionary<string, string>? answers = null, Func<string, byte[]?>? readObject = null, int thumbnails = 0) =>
        CardHtml.Render($"{m.Dataset} {m.Version}", CardContent.Build(m, description, answers ?? new Dictionary<string, string>(), readObject, thumbnails));
}
