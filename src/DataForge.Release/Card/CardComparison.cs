namespace DataForge.Release.Card;

/// <summary>
/// <c>dataforge diff A B --html</c>: the diff's report, then every table and plot of the two releases' cards side by
/// side (A left, B right), in the card's order, so a reviewer sees a shifted spacing histogram or a split that lost
/// its balance at a glance. One self-contained HTML file like the card (<see cref="CardHtml"/>); made from the two
/// release manifests and the files the store holds, so it names nothing the manifests do not.
/// </summary>
public static class CardComparison
{
    /// <summary>The sections of the comparison.</summary>
    /// <param name="diff">The diff of <paramref name="a"/> and <paramref name="b"/>.</param>
    /// <param name="a">Release A (the diff's From).</param>
    /// <param name="b">Release B (the diff's To).</param>
    /// <param name="readObject">Reads a pinned file's bytes by SHA-256 from the store (null when absent); may be null.</param>
    public static IReadOnlyList<CardSection> Build(ReleaseDiff diff, ReleaseManifest a, ReleaseManifest b, Func<string, byte[]?>? readObject)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var empty = new Dictionary<string, string>();
        var left = CardContent.Build(a, null, empty, readObject);
        var right = CardContent.Build(b, null, empty, readObject);
        var sections = new List<CardSection>
        {
            new("diff", $"{a.Dataset}: {diff.From} and {diff.To}",
            [
                new CardParagraph($"What changed from {diff.From} (left) to {diff.To} (right): the diff's report, then the tables and plots of both dataset cards side by side."),
                new CardPreformatted(ReleaseDiffFormat.ToText(diff, markdown: false)),
            ]),
        };
        var ids = left.Select(s => s.Id).Concat(right.Select(s => s.Id)).Distinct(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var l = left.FirstOrDefault(s => s.Id == id);
            var r = right.FirstOrDefault(s => s.Id == id);
            var blocks = Figures(l).Keys.Concat(Figures(r).Keys).Distinct(StringComparer.Ordinal)
                .Select(key => (CardBlock)new CardPair(key, diff.From, Figures(l).GetValueOrDefault(key), diff.To, Figures(r).GetValueOrDefault(key)))
                .ToList();
            // The card's first section is titled by its release; here it is both releases' overview.
            if (blocks.Count > 0) sections.Add(new CardSection(id, id == left[0].Id ? "Overview" : (l ?? r)!.Title, blocks));
        }
        return sections;
    }

    /// <summary>The comparison as one self-contained HTML document.</summary>
    public static string Html(ReleaseDiff diff, ReleaseManifest a, ReleaseManifest b, Func<string, byte[]?>? readObject) =>
        CardHtml.Render($"{a.Dataset} {diff.From} and {diff.To}", Build(diff, a, b, readObject));

    // A section's tables and plots by id, in order (a plot and a table may share an id: keys say which).
    private static Dictionary<string, CardBlock> Figures(CardSection? section)
    {
        var figures = new Dictionary<string, CardBlock>(StringComparer.Ordinal);
        foreach (var block in section?.Blocks ?? [])
        {
            var key = block switch
            {
                CardTable t => "table:" + t.Id,
                CardPlot p => "plot:" + p.Id,
                _ => null,
            };
            if (key is not null) figures.TryAdd(key, block);
        }
        return figures;
    }
}
