using System.Globalization;
using System.Net;
using System.Text;

namespace DataForge.Release.Card;

/// <summary>
/// Draws a <see cref="CardPlot"/> as inline SVG: horizontal bars, one row per label, grouped (a group per modality,
/// or patients beside the ratios asked), each bar with its value written out so the plot reads printed in black and
/// white. Coordinates are whole numbers or fixed decimals (invariant culture): the same plot gives the same bytes.
/// </summary>
public static class CardSvg
{
    private const int Width = 640;
    private const int LabelWidth = 150;
    private const int ValueWidth = 60;
    private const int Row = 18;
    private const int GroupHeader = 22;

    // Colour-blind-safe (Okabe-Ito), dark enough to print.
    private static readonly string[] Colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

    /// <summary>The SVG element of <paramref name="plot"/>.</summary>
    public static string Render(CardPlot plot)
    {
        var height = plot.Groups.Sum(g => GroupHeader + g.Bars.Count * Row) + 8;
        var max = plot.Groups.SelectMany(g => g.Bars).Select(b => b.Value).DefaultIfEmpty(0).Max();
        var barSpace = Width - LabelWidth - ValueWidth;
        var s = new StringBuilder();
        s.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" data-plot=\"{E(plot.Id)}\" role=\"img\" aria-label=\"{E(plot.Title)}\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\">\n");
        s.Append($"<title>{E(plot.Title)}</title>\n");
        var y = 0;
        for (var gi = 0; gi < plot.Groups.Count; gi++)
        {
            var (name, bars) = plot.Groups[gi];
            var colour = Colours[gi % Colours.Length];
            s.Append($"<text x=\"0\" y=\"{y + 15}\" class=\"group\">{E(name)}</text>\n");
            y += GroupHeader;
            foreach (var (label, value) in bars)
            {
                var w = max <= 0 ? 0 : value / max * barSpace;
                s.Append($"<text x=\"{LabelWidth - 6}\" y=\"{y + 13}\" text-anchor=\"end\">{E(label)}</text>");
                s.Append($"<rect x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{F(w)}\" height=\"{Row - 5}\" fill=\"{colour}\"><title>{E(name)} {E(label)}: {F(value)}</title></rect>");
                s.Append($"<text x=\"{F(LabelWidth + w + 4)}\" y=\"{y + 13}\">{F(value)}</text>\n");
                y += Row;
            }
        }
        s.Append("</svg>");
        return s.ToString();
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
