using DataForge.Release.Card;

namespace DataForge.Release.Tests;

/// <summary>The card's pure parts: histogram bars, the answers file, and what the writers escape.</summary>
public sealed class CardPartsTests
{
    [Fact]
    public void Few_distinct_values_get_a_bar_each_in_ascending_order()
    {
        var bars = CardHistogram.Bins([2.5, 0.7, 2.5, 0.70000001, 10], "0.###");
        Assert.Equal([("0.7", 2.0), ("2.5", 2.0), ("10", 1.0)], bars);
    }

    [Fact]
    public void Many_distinct_values_are_binned_into_ten_bars_that_count_every_value()
    {
        var values = Enumerable.Range(0, 100).Select(i => i * 0.5).ToList();
        var bars = CardHistogram.Bins(values, "0.#");
        Assert.Equal(10, bars.Count);
        Assert.Equal(values.Count, bars.Sum(b => b.Value));
        // Bins are (max - min) / 10 = 4.95 wide; labels are rounded with the plot's format.
        Assert.Equal("0-5", bars[0].Label);
        Assert.Equal(10, bars[0].Value);
    }

    [Theory]
    [InlineData("- a\n- b\n", "must be a mapping of question id to answer")]
    [InlineData("uses:\n  - training\n", "card.yaml:1:1: the answer to 'uses' must be text")]
    [InlineData("purpose: x\nbais: y\n", "card.yaml:2:1: 'bais' is not a card question; did you mean 'bias'?")]
    public void A_malformed_answers_file_is_refused_with_its_place(string text, string expected)
    {
        var e = Assert.Throws<ReleaseException>(() => CardText.Parse(text, "card.yaml"));
        Assert.Contains(expected, e.Message);
        Assert.True(e.IsUsage);
    }

    [Fact]
    public void Answers_keep_their_paragraphs()
    {
        var answers = CardText.Parse("consent: |\n  One.\n\n  Two.\n", "card.yaml");
        Assert.Equal("One.\n\nTwo.\n", answers["consent"]);
    }

    [Fact]
    public void Text_that_looks_like_markup_is_escaped_in_both_writers()
    {
        var sections = new[]
        {
            new CardSection("overview", "a <b> title", [new CardParagraph("<script>alert(1)</script> *bold* | pipe"), new CardTable("t", "cap", ["k", "n"], [["x|y", "1"]])]),
        };
        var html = CardHtml.Render("t", sections);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        var markdown = CardMarkdown.Render(sections);
        Assert.Contains("\\<script\\>alert(1)\\</script\\> \\*bold\\*", markdown);
        Assert.Contains("| x\\|y | 1 |", markdown);
    }
}
