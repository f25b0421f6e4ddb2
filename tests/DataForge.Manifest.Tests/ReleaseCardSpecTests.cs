namespace DataForge.Manifest.Tests;

/// <summary><c>release.card</c>: true (the default), false, or <c>{text: FILE, thumbnails: N}</c>; any other form is refused at its line.</summary>
public sealed class ReleaseCardSpecTests
{
    [Theory]
    [InlineData("", true, null)]
    [InlineData("release:\n  card: true\n", true, null)]
    [InlineData("release:\n  card: false\n", false, null)]
    [InlineData("release:\n  card: {text: card.yaml}\n", true, "card.yaml")]
    [InlineData("release:\n  card: {thumbnails: 3}\n", true, null, 3)]
    [InlineData("release:\n  card: {text: card.yaml, thumbnails: 1}\n", true, "card.yaml", 1)]
    public void The_card_setting_binds_from_a_boolean_or_an_object_with_the_answers_file(string section, bool enabled, string? text, int thumbnails = 0)
    {
        using var f = new ManifestFixture();
        var result = f.Load(ManifestFixture.Minimal + "\n" + section);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(enabled, result.Manifest!.Release.Card.Enabled);
        Assert.Equal(text, result.Manifest.Release.Card.Text);
        Assert.Equal(thumbnails, result.Manifest.Release.Card.Thumbnails);
    }

    [Theory]
    [InlineData("release:\n  card: {txt: card.yaml}\n")]
    [InlineData("release:\n  card: {}\n")]
    [InlineData("release:\n  card: card.yaml\n")]
    [InlineData("release:\n  card: {thumbnails: -1}\n")]
    [InlineData("release:\n  card: {thumbnails: many}\n")]
    public void Another_form_of_the_card_setting_is_refused_at_its_line(string section)
    {
        using var f = new ManifestFixture();
        var problems = f.Problems(ManifestFixture.Minimal + "\n" + section);
        Assert.Contains(problems, p => p.StartsWith("dataforge.yaml:8:", StringComparison.Ordinal));
    }
}
