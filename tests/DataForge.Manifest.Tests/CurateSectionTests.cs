namespace DataForge.Manifest.Tests;

public sealed class CurateSectionTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_curate_section_is_supported()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\ncurate:\n  duplicates: {on_fail: exclude}\n  protocol: {modality: [CT]}\n");
        Assert.Empty(problems);
    }

    [Fact]
    public void Retention_needs_a_reference_date()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\ncurate:\n  retention: {years: 10}\n");
        Assert.Contains(problems, p => p.Contains("as_of", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reference_date_that_is_not_on_the_calendar_is_reported()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\ncurate:\n  retention: {years: 10, as_of: 2023-02-31}\n");
        Assert.Contains(problems, p => p.Contains("as_of: 2023-02-31 is not a calendar date", StringComparison.Ordinal));
    }
}
