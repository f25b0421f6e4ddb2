using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>Actions are keyed on their inputs' content, so an upstream rerun that makes identical bytes stops there.</summary>
public sealed class EarlyCutoffTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void An_upstream_version_bump_that_makes_identical_outputs_reruns_nothing_downstream()
    {
        _project.WriteMany(9);
        _project.Build();

        // The header stage's implementation changes, but what it makes (content and metadata) does not.
        _project.HeaderVersion = 2;
        var result = _project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(9, _project.Runs["header"]);
        Assert.Equal(0, _project.Runs["upper"]);
        Assert.Equal(0, _project.Runs["volume"]);
        Assert.Equal(0, _project.Runs["stats"]);
        Assert.Equal(new[] { 9, 0, 0, 0 }, result.Stages.Select(s => s.Executed));
        Assert.Equal(0, result.Output.Written);
    }

    [Fact]
    public void An_upstream_change_that_changes_its_outputs_still_reruns_what_reads_them()
    {
        _project.WriteMany(9);
        _project.Build();

        // upper's suffix changes its outputs: stats (which reads upper) reruns; volume reads header, so not.
        _project.UpperSuffix = "?";
        var result = _project.Build();

        Assert.Equal(0, _project.Runs["header"]);
        Assert.Equal(9, _project.Runs["upper"]);
        Assert.Equal(0, _project.Runs["volume"]);
        Assert.Equal(1, _project.Runs["stats"]);
        Assert.True(result.Succeeded);
    }
}
