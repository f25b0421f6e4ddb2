using DataForge.Manifest.Model;
using DataForge.Projects;
using DataForge.Release;

namespace DataForge.Cli.Commands;

/// <summary>
/// What <c>dataforge verify</c> finds of a release's dataset card: written again from the release manifest, the
/// answers committed with it and the store, it must equal the committed <c>card.html</c> and <c>card.md</c> byte for
/// byte, since they are part of the release. A card made by another DataForge version, or in another card format
/// (<see cref="ReleaseCard.Format"/>), is not compared (its sections are that code's), and the check says so rather
/// than pass or fail it.
/// </summary>
internal sealed record CardCheck(string Outcome, IReadOnlyList<string> Differing)
{
    /// <summary>Both card files equal the rewritten ones.</summary>
    public const string Matched = "matched";

    /// <summary>A committed card file differs from the rewritten one: verify fails.</summary>
    public const string Differs = "differs";

    /// <summary>The release has no card (<c>release.card: false</c>).</summary>
    public const string None = "none";

    /// <summary>The card was made by another DataForge version, or in another card format, and is not compared.</summary>
    public const string OtherVersion = "other-version";

    /// <summary>The committed card is of another card format (<see cref="ReleaseCard.Format"/>) and is not compared.</summary>
    public const string OtherFormat = "other-format";

    public bool Failed => Outcome == Differs;

    public static CardCheck Run(CliContext context, ReleaseRepository repo, DataForgeManifest manifest, ReleaseTag tag, ReleaseManifest release)
    {
        var folder = $"releases/{tag.Version}";
        var committed = new[] { ReleaseCard.HtmlFile, ReleaseCard.MarkdownFile }
            .Select(name => (Name: name, Text: ReleaseSupport.Guard(() => repo.ReadAt(tag.Tag, $"{folder}/{name}")))).ToList();
        if (committed.All(c => c.Text is null)) return new CardCheck(None, []);
        if (release.ToolVersion != ReleaseSupport.ToolVersion) return new CardCheck(OtherVersion, []);
        // A card of an earlier format (or none named) was right for the code that wrote it; today's card has other sections.
        if (committed.Any(c => c.Text is not null && ReleaseCard.FormatOf(c.Text) != ReleaseCard.Format)) return new CardCheck(OtherFormat, []);
        var (description, answers, thumbnails) = ReportCommand.Released(context, repo, manifest, tag);
        var reader = ReleaseObjects.Reader(Project.ZoneOf(manifest).Layout.Objects);
        var (markdown, html) = ReleaseCard.Both(release, description, answers, reader, thumbnails);
        var differing = committed.Where(c => c.Text != (c.Name == ReleaseCard.HtmlFile ? html : markdown)).Select(c => $"{folder}/{c.Name}").ToList();
        return new CardCheck(differing.Count == 0 ? Matched : Differs, differing);
    }

    /// <summary>The line verify prints.</summary>
    public string Describe(ReleaseManifest release) => Outcome switch
    {
        Matched => "card: card.html and card.md are the ones the release gives, byte for byte",
        Differs => $"card: {string.Join(", ", Differing)} differ from the card the release gives ('dataforge report {release.Version} -o FILE' writes it)",
        OtherVersion => $"card: not compared (made by DataForge {release.ToolVersion}; this is {ReleaseSupport.ToolVersion}, whose card has other sections)",
        OtherFormat => $"card: not compared (written in an earlier card format; this DataForge writes format {ReleaseCard.Format}, with other sections)",
        _ => "card: the release has none (release.card: false)",
    };
}
