using DataForge.Engine.Building;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class SchedulerTests
{
    [Fact]
    public void One_failing_item_does_not_stop_the_others_and_is_reported_with_its_reason()
    {
        using var project = new TestProject { FailOn = "body 3" };
        project.WriteMany(6);

        var result = project.Build();

        Assert.False(result.Succeeded);
        Assert.Equal(BuildOutcome.Completed, result.Outcome);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("upper", "content rejected by test rule"), (failure.StageId, failure.Reason));
        Assert.StartsWith("header#", failure.Item, StringComparison.Ordinal);
        var upper = TestProject.StageOf(result, "upper");
        Assert.Equal((6, 5, 0, 1), (upper.Total, upper.Executed, upper.Cached, upper.Failed));
        Assert.Contains(project.Outputs(), o => o.Path == "stats.txt" && o.Text.StartsWith("items=5 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_item_runs_again_in_the_next_build_and_succeeds_once_fixed()
    {
        using var project = new TestProject { FailOn = "body 1" };
        project.WriteMany(3);
        Assert.False(project.Build().Succeeded);

        var again = project.Build();
        Assert.Equal(1, project.Runs["upper"]);
        Assert.Single(again.Failures);

        project.FailOn = "never matches";
        var fixedBuild = project.Build();
        Assert.True(fixedBuild.Succeeded);
        Assert.Equal(1, project.Runs["upper"]);
        Assert.Equal(Planning.RunReason.NewInput, Assert.Single(fixedBuild.Executed, e => e.StageId == "upper").Reason);
    }

    [Fact]
    public void A_stage_that_throws_fails_its_item_without_the_exception_message()
    {
        using var project = new TestProject();
        project.WriteSource("a.txt", "S", "fine");
        project.Fs.Write($"{TestProject.Raw}/b.txt", "no header line here");

        var result = project.Build();

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("header", "raw:b.txt", "no series line"), (failure.StageId, failure.Item, failure.Reason));
        Assert.Equal(1, TestProject.StageOf(result, "header").Executed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Outputs_are_the_same_bytes_for_any_number_of_jobs(int jobs)
    {
        using var reference = new TestProject();
        reference.WriteMany(25, seriesCount: 4);
        reference.Build(jobs: 1);

        using var project = new TestProject();
        project.WriteMany(25, seriesCount: 4);
        var result = project.Build(jobs);

        Assert.True(result.Succeeded);
        Assert.Equal(reference.Outputs(), project.Outputs());
    }

    [Fact]
    public void A_group_stage_fails_each_item_whose_metadata_lacks_the_grouping_property()
    {
        using var project = new TestProject();
        project.WriteSource("a.txt", "S", "x");
        project.WriteSource("b.txt", "S", "y");
        var group = new DelegateStage(new StageDefinition("byseries", 1, StageShape.Group, ["raw"]) { GroupBy = "series" },
            _ => StageResult.Success());
        var pipeline = new Pipeline([new SourceSpec("raw", TestProject.Raw)], [group]);

        var result = project.Engine.Build(pipeline, new BuildOptions { Jobs = 2 });

        Assert.Equal(0, group.Runs);
        Assert.Equal(2, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.Equal("its metadata has no 'series' to group on", f.Reason));
        Assert.Equal(new[] { "raw:a.txt", "raw:b.txt" }, result.Failures.Select(f => f.Item));
        var stage = Assert.Single(result.Stages);
        Assert.Equal((2, 0, 0, 2), (stage.Total, stage.Executed, stage.Cached, stage.Failed));
    }

    [Fact]
    public void A_stage_exception_becomes_a_failure_naming_only_the_exception_type()
    {
        using var project = new TestProject();
        project.WriteSource("a.txt", "S", "x");
        var throwing = new DelegateStage(new StageDefinition("boom", 1, StageShape.Map, ["raw"]),
            _ => throw new InvalidOperationException("PATIENT^NAME leaked into a message"));
        var pipeline = new Pipeline([new SourceSpec("raw", TestProject.Raw)], [throwing]);

        var result = project.Engine.Build(pipeline, new BuildOptions { Jobs = 1 });

        var failure = Assert.Single(result.Failures);
        Assert.Equal("the stage threw InvalidOperationException", failure.Reason);
    }

    [Fact]
    public void An_unreadable_source_file_is_reported_by_path_and_the_rest_builds()
    {
        using var project = new TestProject();
        project.WriteMany(4);
        project.Fs.MakeUnreadable($"{TestProject.Raw}/s1/i001.txt");

        var result = project.Build();

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("index", "raw:s1/i001.txt", "cannot be read (IOException)"), (failure.StageId, failure.Item, failure.Reason));
        Assert.Equal(3, TestProject.StageOf(result, "header").Executed);
        Assert.False(result.Succeeded);
    }
}
