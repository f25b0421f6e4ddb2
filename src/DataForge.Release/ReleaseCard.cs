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
    /// <summary>The card's file names in <c>releases/VERSION/</c>.</summary>
    public const string MarkdownFile = "card.md", HtmlFile = "card.html";

    /// <summary>The card as Markdown (thumbnails, <c>release.card.thumbnails</c> per modality, are only named: card.html holds them).</summary>
    public static string Markdown(ReleaseManifest m, string? description, IReadOnlyDictionary<string, string>? answers = null, Func<string, byte[]?>? readObject = null, int thumbnails = 0) =>
        CardMarkdown.Render(CardContent.Build(m, description, answers ?? new Dictionary<string, string>(), readObject, thumbnails));

    /// <summary>The card as one self-contained HTML document.</summary>
    public static string Html(ReleaseManifest m, string? description, IReadOnlyDictionary<string, string>? answers = null, Func<string, byte[]?>? readObject = null, int thumbnails = 0) =>
        CardHtml.Render($"{m.Dataset} {m.Version}", CardContent.Build(m, description, answers ?? new Dictionary<string, string>(), readObject, thumbnails));
}
