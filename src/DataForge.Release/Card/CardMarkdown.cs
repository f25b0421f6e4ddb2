using System.Globalization;
using System.Text;

namespace DataForge.Release.Card;

/// <summary>Writes a card as Markdown (GitHub renders it beside manifest.json): the same sections as the HTML, plots as tables of their bars.</summary>
public static class CardMarkdown
{
    /// <summary>The Markdown text of a card with these sections (the first is the title section).</summary>
    public static string Render(IReadOnlyList<CardSection> sections)
    {
        var s = new StringBuilder();
        s.Append("<!-- ").Append(ReleaseCard.FormatMark).Append(" -->\n\n");
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            s.Append(i == 0 ? "# " : "## ").Append(Inline(section.Title)).Append("\n\n");
            foreach (var block in section.Blocks) Block(s, block);
        }
        if (sections.Count > 0) s.Append("The HTML card beside this file (card.html) draws the plots.\n");
        return s.ToString();
    }

    private static void Block(StringBuilder s, CardBlock block)
    {
        switch (block)
        {
            case CardParagraph p:
                s.Append(Inline(p.Text)).Append("\n\n");
                break;
            case CardList l:
                foreach (var line in l.Lines) s.Append("- ").Append(Inline(line)).Append('\n');
                s.Append('\n');
                break;
            case CardTable t:
                Table(s, t.Caption, t.Header, t.Rows, t.KeyColumns);
                break;
            case CardPlot p:
                var labels = p.Groups.SelectMany(g => g.Bars.Select(b => b.Label)).Distinct(StringComparer.Ordinal).ToList();
                var rows = labels.Select(l => (IReadOnlyList<string>)[l, .. p.Groups.Select(g => g.Bars.Where(b => b.Label == l).Select(b => F(b.Value)).FirstOrDefault() ?? "")]).ToList();
                Table(s, p.Title + (p.Note is null ? "" : $" ({p.Note})"), ["", .. p.Groups.Select(g => g.Name)], rows, 1);
                break;
            case CardPreformatted t:
                s.Append("```\n").Append(t.Text.TrimEnd('\n')).Append("\n```\n\n");
                break;
            case CardPair pair:
                foreach (var (name, side) in new[] { (pair.LeftName, pair.Left), (pair.RightName, pair.Right) })
                {
                    s.Append("*").Append(Inline(name)).Append(":*\n\n");
                    if (side is null) s.Append(Inline($"Not in {name}.")).Append("\n\n");
                    else Block(s, side);
                }
                break;
            case CardImages images:
                // Markdown on a Git host cannot hold the pictures inline without bloating the file: card.html has them.
                s.Append(Inline($"{images.Caption}: {images.Images.Count} thumbnails in card.html.")).Append("\n\n");
                break;
            case CardQuestion q:
                s.Append("**").Append(Inline(q.Question)).Append("**\n\n");
                if (q.Answer is null) s.Append($"> *Question for the authors:* answer it under `{q.Id}:` in the file `release.card.text` names.\n\n");
                else
                {
                    s.Append(q.Computed ? "*Answered by DataForge from the release.*\n\n" : "*Answered by the authors.*\n\n");
                    foreach (var paragraph in q.Answer.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        s.Append(Inline(paragraph)).Append("\n\n");
                }
                break;
        }
    }

    private static void Table(StringBuilder s, string caption, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, int keyColumns)
    {
        s.Append('*').Append(Inline(caption)).Append("*\n\n");
        s.Append("| ").Append(string.Join(" | ", header.Select(Cell))).Append(" |\n|");
        for (var c = 0; c < header.Count; c++) s.Append(c < keyColumns ? " --- |" : " ---: |");
        s.Append('\n');
        foreach (var row in rows) s.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        s.Append('\n');
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    // Table cells: a pipe would end the cell, a newline the row.
    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    // Markdown that could turn text into markup or HTML is escaped; newlines inside a paragraph become spaces.
    private static string Inline(string text)
    {
        var s = new StringBuilder(text.Length);
        foreach (var ch in text.Replace("\r", "", StringComparison.Ordinal).Replace('\n', ' '))
        {
            if (ch is '\\' or '`' or '*' or '_' or '<' or '>' or '[' or ']' or '#') s.Append('\\');
            s.Append(ch);
        }
        return s.ToString();
    }
}
