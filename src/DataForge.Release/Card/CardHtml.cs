using System.Net;
using System.Text;

namespace DataForge.Release.Card;

/// <summary>
/// Writes a card as one self-contained HTML file: inline CSS and SVG, no script, no font, no link to
/// anything (a Content-Security-Policy forbids fetching), so it opens from a USB stick without a network and
/// prints to PDF. Tables carry <c>data-table</c>, rows <c>data-key</c>, plots <c>data-plot</c>, questions
/// <c>data-question</c>, for readers and tests. No date: the same card gives the same bytes.
/// </summary>
public static class CardHtml
{
    private const string Style = """
        :root { color-scheme: light; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.25rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; margin-top: 2rem; }
        nav ol { columns: 3; padding-left: 1.2rem; } nav a { color: #0050a0; }
        table { border-collapse: collapse; margin: .6rem 0 1rem; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: 600; padding-bottom: .2rem; white-space: nowrap; }
        th, td { border: 1px solid #c8c8c8; padding: .15rem .55rem; } thead th { background: #eef3f8; } td.n { text-align: right; }
        svg { display: block; max-width: 100%; height: auto; margin: .3rem 0 1rem; font-size: 12px; }
        svg text { fill: #1a1a1a; } svg text.group { font-weight: 600; }
        figure { margin: 0; } figcaption { font-weight: 600; } .note { color: #444; font-size: .9rem; }
        .question { border-left: 4px solid #009E73; padding: .2rem .8rem; margin: .6rem 0; }
        .question.open { border-left-color: #D55E00; background: #fff4ec; }
        .question .q { font-weight: 600; } .question .who { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #555; }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; align-items: start; } .pair .side { min-width: 0; overflow-x: auto; }
        .release { font-weight: 700; color: #0072B2; margin: .4rem 0 0; } pre { white-space: pre-wrap; font-size: .85rem; background: #f6f6f6; padding: .6rem; }
        .thumbs { display: flex; flex-wrap: wrap; gap: .6rem; } .thumb { margin: 0; } .thumb img { display: block; background: #000; image-rendering: pixelated; }
        .thumb figcaption { font-size: .75rem; color: #555; }
        @media print { body { max-width: none; padding: 0; } section, figure, table, .question { break-inside: avoid; } nav { display: none; } a { color: inherit; text-decoration: none; } }
        """;

    /// <summary>The HTML document of a card with these sections, titled <paramref name="title"/>.</summary>
    public static string Render(string title, IReadOnlyList<CardSection> sections)
    {
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        // Nothing may be fetched: the card is read offline, and a fetched resource could leak that it was opened.
        s.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        s.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.Append($"<meta name=\"generator\" content=\"{E(ReleaseCard.FormatMark)}\">\n");
        s.Append($"<title>{E(title)} - dataset card</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n");
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            s.Append($"<section id=\"{E(section.Id)}\">\n");
            s.Append(i == 0 ? $"<h1>{E(section.Title)}</h1>\n" : $"<h2>{E(section.Title)}</h2>\n");
            foreach (var block in section.Blocks) Block(s, block);
            s.Append("</section>\n");
            // The contents follow the title section, which says what the dataset is.
            if (i == 0 && sections.Count > 1)
            {
                s.Append("<nav><ol>\n");
                foreach (var other in sections.Skip(1)) s.Append($"<li><a href=\"#{E(other.Id)}\">{E(other.Title)}</a></li>\n");
                s.Append("</ol></nav>\n");
            }
        }
        s.Append("</body>\n</html>\n");
        return s.ToString();
    }

    private static void Block(StringBuilder s, CardBlock block)
    {
        switch (block)
        {
            case CardParagraph p:
                s.Append($"<p>{E(p.Text)}</p>\n");
                break;
            case CardList l:
                s.Append("<ul>\n");
                foreach (var line in l.Lines) s.Append($"<li>{E(line)}</li>\n");
                s.Append("</ul>\n");
                break;
            case CardTable t:
                Table(s, t);
                break;
            case CardPlot p:
                s.Append($"<figure>\n<figcaption>{E(p.Title)}</figcaption>\n{CardSvg.Render(p)}\n");
                if (p.Note is not null) s.Append($"<p class=\"note\">{E(p.Note)}</p>\n");
                s.Append("</figure>\n");
                break;
            case CardImages images:
                s.Append($"<figure data-images=\"{E(images.Id)}\">\n<figcaption>{E(images.Caption)}</figcaption>\n<div class=\"thumbs\">\n");
                foreach (var image in images.Images)
                {
                    // Small matrices are shown enlarged by a whole factor (pixels stay square and sharp).
                    var zoom = Math.Max(1, 96 / Math.Max(1, Math.Max(image.Width, image.Height)));
                    s.Append($"<figure class=\"thumb\"><img src=\"data:image/png;base64,{Convert.ToBase64String(image.Png)}\" width=\"{image.Width * zoom}\" height=\"{image.Height * zoom}\" alt=\"{E(image.Caption)}\"><figcaption>{E(image.Caption)}</figcaption></figure>\n");
                }
                s.Append("</div>\n</figure>\n");
                break;
            case CardPreformatted t:
                s.Append($"<pre>{E(t.Text)}</pre>\n");
                break;
            case CardPair pair:
                s.Append($"<div class=\"pair\" data-pair=\"{E(pair.Id)}\">\n");
                foreach (var (name, side) in new[] { (pair.LeftName, pair.Left), (pair.RightName, pair.Right) })
                {
                    s.Append($"<div class=\"side\"><p class=\"release\">{E(name)}</p>\n");
                    if (side is null) s.Append($"<p class=\"note\">Not in {E(name)}.</p>\n");
                    else Block(s, side);
                    s.Append("</div>\n");
                }
                s.Append("</div>\n");
                break;
            case CardQuestion q:
                var who = q.Answer is null ? "Question for the authors (unanswered)" : q.Computed ? "Answered by DataForge from the release" : "Answered by the authors";
                s.Append($"<div class=\"question{(q.Answer is null ? " open" : "")}\" data-question=\"{E(q.Id)}\">\n<p class=\"who\">{who}</p>\n<p class=\"q\">{E(q.Question)}</p>\n");
                foreach (var paragraph in (q.Answer ?? "").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    s.Append($"<p>{E(paragraph)}</p>\n");
                if (q.Answer is null) s.Append($"<p class=\"note\">Answer it under '{E(q.Id)}:' in the file release.card.text names.</p>\n");
                s.Append("</div>\n");
                break;
        }
    }

    private static void Table(StringBuilder s, CardTable t)
    {
        s.Append($"<table data-table=\"{E(t.Id)}\">\n<caption>{E(t.Caption)}</caption>\n<thead><tr>");
        foreach (var h in t.Header) s.Append($"<th scope=\"col\">{E(h)}</th>");
        s.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in t.Rows)
        {
            s.Append($"<tr data-key=\"{E(string.Join("|", row.Take(t.KeyColumns)))}\">");
            for (var c = 0; c < row.Count; c++)
                s.Append(c < t.KeyColumns ? $"<th scope=\"row\">{E(row[c])}</th>" : $"<td class=\"n\">{E(row[c])}</td>");
            s.Append("</tr>\n");
        }
        s.Append("</tbody>\n</table>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
