using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class InterruptedBuildTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private Pipeline Copying(Func<StageInput, StageResult>? before = null) => new(
        [new SourceSpec("raw", TestProject.Raw)],
        [new DelegateStage(new StageDefinition("copy", 1, StageShape.Map, ["raw"]) { Publish = true }, input =>
        {
            before?.Invoke(input);
            return StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.txt", input.Item.ReadAllBytes()));
        })]);

    [Fact]
    public void A_build_stopped_after_indexing_a_change_does_not_let_the_next_build_skip_that_change()
    {
        _project.WriteMany(3);
        Assert.True(_project.Engine.Build(Copying()).Succeeded);
        _project.WriteSource("s0/i000.txt", "S0", "changed");
        using var stop = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() => _project.Engine.Build(
            Copying(_ => { stop.Cancel(); stop.Token.ThrowIfCancellationRequested(); return StageResult.Success(); }),
            new BuildOptions { Jobs = 1, CancellationToken = stop.Token }));
        var next = _project.Engine.Build(Copying());

        Assert.True(next.Succeeded);
        Assert.Equal(1, next.ExecutedCount);
        Assert.Contains(_project.Outputs(), o => o.Text.EndsWith("changed", StringComparison.Ordinal));
        Assert.Equal(3, _project.Outputs().Count);
    }

    [Fact]
    public void A_no_op_build_after_a_clean_build_reports_every_item_as_cached()
    {
        _project.WriteMany(5);
        _project.Build();

        var result = _project.Build();

        Assert.Equal(new[] { (5, 5), (5, 5), (3, 3), (1, 1) }, result.Stages.Select(s => (s.Total, s.Cached)));
        Assert.Equal(0, result.ExecutedCount);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public void A_build_after_one_with_failures_rechecks_every_stage()
    {
        _project.FailOn = "body 2";
        _project.WriteMany(4);
        _project.Build();

        var again = _project.Build();

        Assert.Single(again.Failures);
        Assert.Equal(1, _project.Runs["upper"]);
    }
}
