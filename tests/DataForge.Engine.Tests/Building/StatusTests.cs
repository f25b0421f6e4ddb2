using DataForge.Engine.Planning;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class StatusTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Status_before_any_build_says_every_item_is_new_and_runs_nothing()
    {
        _project.WriteMany(4);

        var status = _project.Status();

        Assert.All(_project.Runs.Values, runs => Assert.Equal(0, runs));
        Assert.Equal(4, status.WouldRun.Count(e => e.StageId == "header" && e.Reason == RunReason.NewInput));
        Assert.Contains(status.WouldRun, e => e.StageId == "upper" && e.Reason == RunReason.UpstreamWillRun);
        Assert.False(status.UpToDate);
        Assert.Empty(_project.Outputs());
        // A store with no action recorded can serve none: no key is computed to find that out.
        Assert.All(status.Stages, s => Assert.Equal(0, s.KeysComputed));
        Assert.Equal(new[] { 4, 4, 1, 1 }, status.Stages.Select(s => s.Executed));
    }

    [Fact]
    public void Status_after_a_build_is_up_to_date_and_reads_no_content()
    {
        _project.WriteMany(4);
        _project.Build();
        _project.Fs.ResetReads();

        var status = _project.Status();

        Assert.True(status.UpToDate);
        _project.AssertOnlyTheOutputPathNamesWereRead();
        Assert.Equal(new[] { 4, 4, 3, 1 }, status.Stages.Select(s => s.Cached));
    }

    [Fact]
    public void Status_names_the_changed_input_and_what_waits_on_it()
    {
        _project.WriteMany(4);
        _project.Build();

        _project.WriteSource("s0/i000.txt", "S0", "changed");
        var status = _project.Status();

        var header = Assert.Single(status.WouldRun, e => e.StageId == "header");
        Assert.Equal("raw:s0/i000.txt", header.Item);
        Assert.Equal(RunReason.ChangedInput, header.Reason);
        Assert.Equal("header: raw:s0/i000.txt: changed input", header.ToString());
        Assert.Contains(status.WouldRun, e => e.StageId == "upper" && e.Reason == RunReason.UpstreamWillRun);
        Assert.Equal(3, status.Stages.Single(s => s.StageId == "upper").Cached);
    }

    [Fact]
    public void Status_says_config_changed_for_a_new_parameter_and_nothing_for_earlier_stages()
    {
        _project.WriteMany(3);
        _project.Build();

        _project.UpperSuffix = "#";
        var status = _project.Status();

        Assert.DoesNotContain(status.WouldRun, e => e.StageId == "header");
        Assert.Equal(3, status.WouldRun.Count(e => e.StageId == "upper" && e.Reason == RunReason.ConfigChanged));
        Assert.Single(status.WouldRun, e => e.StageId == "stats" && e.Reason == RunReason.UpstreamWillRun);
    }

    [Fact]
    public void Status_says_implementation_version_changed()
    {
        _project.WriteMany(2);
        _project.Build();

        _project.HeaderVersion = 7;
        var status = _project.Status();

        Assert.Equal(2, status.WouldRun.Count(e => e.StageId == "header" && e.Reason == RunReason.ImplementationVersionChanged));
    }

    [Fact]
    public void Status_says_output_missing_when_the_store_lost_a_published_object()
    {
        _project.WriteMany(2);
        var built = _project.Build();
        var stats = _project.Fs.Walk(_project.Layout.Objects)
            .Single(e => _project.Fs.ReadText($"{_project.Layout.Objects}/{e.RelativePath}").StartsWith("items=", StringComparison.Ordinal));
        _project.Fs.Delete($"{_project.Layout.Objects}/{stats.RelativePath}");

        var status = _project.Status();

        Assert.True(built.Succeeded);
        var missing = Assert.Single(status.WouldRun);
        Assert.Equal(("stats", RunReason.OutputMissing), (missing.StageId, missing.Reason));
        var rebuilt = _project.Build();
        Assert.Equal(1, _project.Runs["stats"]);
        Assert.True(rebuilt.Succeeded);
    }

    [Fact]
    public void Status_counts_output_files_to_restore_and_to_remove()
    {
        _project.WriteMany(3);
        _project.Build();

        _project.Fs.Delete($"{TestProject.Out}/volumes/S1.txt");
        var status = _project.Status();

        Assert.Equal(1, status.OutputsToRestore);
        Assert.Equal(0, status.OutputsToRemove);
        Assert.Empty(status.WouldRun);
        Assert.False(status.UpToDate);
    }

    [Fact]
    public void Status_writes_no_state()
    {
        _project.WriteMany(3);
        _project.Status();
        _project.Status();

        var result = _project.Build();

        Assert.Equal(3, result.Index.Hashed);
        Assert.Equal(3, result.Executed.Count(e => e.StageId == "header" && e.Reason == RunReason.NewInput));
    }
}
