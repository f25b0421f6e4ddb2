using DataForge.Engine.FileSystem;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class IncrementalBuildTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void A_first_build_runs_every_action_and_publishes_every_output()
    {
        _project.WriteMany(9);

        var result = _project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(new[] { 9, 9, 3, 1 }, result.Stages.Select(s => s.Executed));
        Assert.Equal(new[] { 9, 9, 3, 1 }, new[] { "header", "upper", "volume", "stats" }.Select(id => _project.Runs[id]));
        var outputs = _project.Outputs();
        Assert.Equal(9 + 3 + 1, outputs.Count);
        Assert.Contains(outputs, o => o.Path == "stats.txt" && o.Text.StartsWith("items=9 ", StringComparison.Ordinal));
        Assert.Contains(outputs, o => o.Path == "volumes/S0.txt");
    }

    [Fact]
    public void A_stage_with_no_action_recorded_looks_no_key_up_and_one_with_actions_looks_each_new_key_up()
    {
        _project.WriteMany(9);

        var first = _project.Build();

        // Every stage's first run: all keys computed, none looked up in state.db (no action of the stage can be there).
        Assert.Equal(new[] { 9, 9, 3, 1 }, first.Stages.Select(s => s.KeysComputed));
        Assert.All(first.Stages, s => Assert.Equal(0, s.ActionLookups));

        _project.UpperSuffix = "?";
        var second = _project.Build();

        Assert.Equal(0, second.Stages.Single(s => s.StageId == "header").ActionLookups);
        Assert.Equal(9, second.Stages.Single(s => s.StageId == "upper").ActionLookups);
        Assert.Equal(9, _project.Runs["upper"]);
    }

    [Fact]
    public void Touching_nothing_runs_no_action_and_reads_no_file_content()
    {
        _project.WriteMany(12);
        _project.Build();
        _project.Fs.ResetReads();

        var result = _project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.ExecutedCount);
        Assert.All(_project.Runs.Values, runs => Assert.Equal(0, runs));
        Assert.Equal(0, result.Index.Hashed);
        _project.AssertOnlyTheOutputPathNamesWereRead();
        Assert.Equal(new[] { 12, 12, 3, 1 }, result.Stages.Select(s => s.Cached));
    }

    [Fact]
    public void Changing_one_input_of_many_reruns_exactly_that_items_actions()
    {
        _project.WriteMany(30);
        _project.Build();
        _project.Fs.ResetReads();

        _project.WriteSource("s1/i004.txt", "S1", "edited body");
        var result = _project.Build();

        Assert.Equal(1, result.Index.Hashed);
        Assert.Single(_project.Fs.Reads.Keys, k => k.StartsWith(TestProject.Raw, StringComparison.Ordinal));
        Assert.Equal(1, _project.Runs["header"]);
        Assert.Equal(1, _project.Runs["upper"]);
        Assert.Equal(1, _project.Runs["volume"]); // only series S1's group
        Assert.Equal(1, _project.Runs["stats"]);
        Assert.Equal(29, TestProject.StageOf(result, "header").Cached);
        Assert.Equal(2, TestProject.StageOf(result, "volume").Cached);
        Assert.Contains(result.Executed, e => e.StageId == "header" && e.Item == "raw:s1/i004.txt" && e.Reason == Planning.RunReason.ChangedInput);
    }

    [Fact]
    public void Changing_a_later_stages_parameter_reruns_it_and_its_dependants_but_no_earlier_stage()
    {
        _project.WriteMany(10);
        _project.Build();

        _project.UpperSuffix = "?";
        var result = _project.Build();

        Assert.Equal(0, _project.Runs["header"]);
        Assert.Equal(10, _project.Runs["upper"]);
        Assert.Equal(0, _project.Runs["volume"]); // reads header, not upper
        Assert.Equal(1, _project.Runs["stats"]);
        Assert.All(result.Executed.Where(e => e.StageId == "upper"), e => Assert.Equal(Planning.RunReason.ConfigChanged, e.Reason));
        Assert.All(_project.Outputs().Where(o => o.Path.StartsWith("upper/", StringComparison.Ordinal)), o => Assert.EndsWith("?", o.Text));
    }

    [Fact]
    public void Stages_whose_inputs_did_not_change_take_their_results_whole_without_computing_a_key()
    {
        _project.WriteMany(10);
        var first = _project.Build();
        _project.UpperSuffix = "?";

        var status = _project.Status();
        var result = _project.Build();

        Assert.Equal(new[] { 10, 10, 3, 1 }, first.Stages.Select(s => s.KeysComputed));
        // header reads the unchanged sources and volume header's unchanged outputs; upper (config) and stats (upper's outputs) plan per item.
        Assert.Equal(new[] { 0, 10, 0, 0 }, status.Stages.Select(s => s.KeysComputed)); // status: stats waits on upper's pending outputs
        Assert.Equal(new[] { 0, 10, 0, 1 }, result.Stages.Select(s => s.KeysComputed));
        Assert.Equal(new[] { 10, 0, 3, 0 }, result.Stages.Select(s => s.Cached));
        Assert.Equal(0, _project.Runs["header"] + _project.Runs["volume"]);
        Assert.Equal(new[] { 0, 0, 0, 0 }, _project.Build().Stages.Select(s => s.KeysComputed)); // a no-op
    }

    [Fact]
    public void A_stage_whose_inputs_went_back_to_an_earlier_set_plans_per_item_again()
    {
        _project.WriteMany(6);
        _project.Build();
        var before = _project.Outputs();
        _project.WriteSource("s0/i000.txt", "S0", "changed");
        _project.Build();

        _project.WriteSource("s0/i000.txt", "S0", "body 0");
        var result = _project.Build();

        // The digest recorded is the last build's, not the first's: header plans the item that differs from it.
        Assert.Equal(1, TestProject.StageOf(result, "header").KeysComputed);
        Assert.Equal(6, TestProject.StageOf(result, "header").Cached);
        Assert.Equal(before, _project.Outputs());
    }

    [Fact]
    public void With_one_changed_source_map_stages_compute_the_key_of_that_item_only()
    {
        _project.WriteMany(12);
        _project.Build();
        Assert.Equal(new[] { 0, 0, 0, 0 }, _project.Build().Stages.Select(s => s.KeysComputed)); // a no-op keeps what the next build needs

        _project.WriteSource("s1/i004.txt", "S1", "changed");
        var result = _project.Build();

        // header and upper: the changed item's action only; volume plans its groups; stats its one action.
        Assert.Equal(new[] { 1, 1, 3, 1 }, result.Stages.Select(s => s.KeysComputed));
        Assert.Equal(new[] { 1, 1, 1, 1 }, new[] { "header", "upper", "volume", "stats" }.Select(id => _project.Runs[id]));
        using var clean = new TestProject();
        clean.WriteMany(12);
        clean.WriteSource("s1/i004.txt", "S1", "changed");
        clean.Build();
        Assert.Equal(clean.Outputs(), _project.Outputs());
    }

    [Fact]
    public void A_map_stage_whose_outputs_nothing_reads_reads_only_the_rows_of_the_changed_item()
    {
        _project.WriteMany(60);
        Assert.True(_project.Engine.Build(HeaderOnly()).Succeeded);

        _project.WriteSource("s1/i004.txt", "S1", "changed");
        var status = Assert.Single(_project.Engine.Status(HeaderOnly()).Stages);
        var header = Assert.Single(_project.Engine.Build(HeaderOnly()).Stages);

        Assert.Equal((60, 1, 59, 0), (status.Total, status.Executed, status.Cached, status.Failed));
        Assert.Equal((60, 1, 59, 0), (header.Total, header.Executed, header.Cached, header.Failed));
        Assert.Equal(1, header.KeysComputed);
        // The changed item's slot; its new key names no recorded action. None of the 59 others is read.
        Assert.Equal(1, header.RowsRead);
        Assert.Equal(1, status.RowsRead);
        // Only the changed source file became an item: not the 59 others, nor a sorted list of all 60.
        Assert.Equal(1, header.ItemsMade);
        Assert.Equal(1, status.ItemsMade);

        _project.Fs.ResetReads();
        Assert.True(_project.Engine.Build(HeaderOnly()).Succeeded);
        // A no-op with nothing published looks no output up by path: not even the output path names are read.
        Assert.Equal(0, _project.Fs.Reads.Values.Sum());
    }

    [Fact]
    public void A_map_stage_whose_outputs_nothing_reads_drops_the_slot_of_a_removed_input_and_stays_exact()
    {
        _project.WriteMany(20);
        Assert.True(_project.Engine.Build(HeaderOnly()).Succeeded);

        _project.Fs.Delete($"{TestProject.Raw}/s2/i005.txt");
        _project.WriteSource("s0/i003.txt", "S0", "changed");
        var header = Assert.Single(_project.Engine.Build(HeaderOnly()).Stages);
        var again = Assert.Single(_project.Engine.Build(HeaderOnly()).Stages);

        Assert.Equal((19, 1, 18), (header.Total, header.Executed, header.Cached));
        Assert.Equal(19, header.ItemsMade); // a slot no input names: every input's slot is compared
        Assert.Equal((19, 0, 19), (again.Total, again.Executed, again.Cached));
        using (var db = DataForge.Engine.Store.StateDatabase.Open(_project.Database, out _))
            Assert.Equal(19, db.LoadSlots("header").Count);
        // The whole pipeline on top of what the lean builds left: header serves all 19, and the outputs are a clean build's.
        var full = _project.Build();
        Assert.Equal(0, _project.Runs["header"]);
        using var clean = new TestProject();
        clean.WriteMany(20);
        clean.Fs.Delete($"{TestProject.Raw}/s2/i005.txt");
        clean.WriteSource("s0/i003.txt", "S0", "changed");
        clean.Build();
        Assert.True(full.Succeeded);
        Assert.Equal(clean.Outputs(), _project.Outputs());
    }

    [Fact]
    public void A_map_stage_reading_some_of_a_source_plans_only_its_changed_matching_files()
    {
        _project.WriteMany(30);
        var stage = new DelegateStage(new StageDefinition("s1-header", 1, StageShape.Map, ["raw"])
        {
            InputPaths = new Dictionary<string, IReadOnlyList<string>> { ["raw"] = ["s1/**"] },
        }, input => StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.hdr", input.Item.ReadAllBytes())));
        var pipeline = new Pipeline(_project.Pipeline().Sources, [stage]);
        Assert.True(_project.Engine.Build(pipeline).Succeeded);

        // One file the stage reads and one it does not: one action, one item made; the other 9 of s1 kept.
        _project.WriteSource("s1/i004.txt", "S1", "changed");
        _project.WriteSource("s0/i003.txt", "S0", "changed");
        stage.ResetRuns();
        var report = Assert.Single(_project.Engine.Build(pipeline).Stages);

        Assert.Equal((10, 1, 9, 0), (report.Total, report.Executed, report.Cached, report.Failed));
        Assert.Equal(1, report.ItemsMade);
        Assert.Equal(1, stage.Runs);
    }

    private Pipeline HeaderOnly()
    {
        var full = _project.Pipeline();
        return new Pipeline(full.Sources, full.Stages.Where(s => s.Definition.Id == "header"));
    }

    [Fact]
    public void A_build_drops_the_input_digests_of_stages_no_longer_in_the_pipeline()
    {
        _project.WriteMany(4);
        _project.Build();
        var full = _project.Pipeline();

        var headerOnly = new Pipeline(full.Sources, full.Stages.Where(s => s.Definition.Id == "header"));
        Assert.True(_project.Engine.Build(headerOnly).Succeeded);

        using var db = DataForge.Engine.Store.StateDatabase.Open(_project.Database, out _);
        Assert.NotNull(db.GetMeta("stage-inputs:header"));
        Assert.All(new[] { "upper", "volume", "stats" }, id => Assert.Null(db.GetMeta($"stage-inputs:{id}")));
    }

    [Fact]
    public void After_a_build_with_a_failure_an_unchanged_failing_item_is_planned_again_not_served_from_its_old_slot()
    {
        _project.WriteMany(6);
        _project.Build();
        _project.Fs.Write($"{TestProject.Raw}/s1/i001.txt", "no series line any more");
        Assert.False(_project.Build().Succeeded);

        var again = _project.Build();

        var failure = Assert.Single(again.Failures);
        Assert.Equal(("header", "raw:s1/i001.txt"), (failure.StageId, failure.Item));
        Assert.Equal(1, _project.Runs["header"]);
        Assert.Contains(_project.Outputs(), o => o.Path == "stats.txt" && o.Text.StartsWith("items=5 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Bumping_an_implementation_version_reruns_that_stage_with_that_reason()
    {
        _project.WriteMany(4);
        _project.Build();

        _project.UpperVersion = 2;
        var result = _project.Build();

        Assert.Equal(0, _project.Runs["header"]);
        Assert.Equal(4, _project.Runs["upper"]);
        Assert.All(result.Executed.Where(e => e.StageId == "upper"), e => Assert.Equal(Planning.RunReason.ImplementationVersionChanged, e.Reason));
    }

    [Fact]
    public void Going_back_to_an_earlier_config_is_served_from_the_cache()
    {
        _project.WriteMany(5);
        _project.Build();
        _project.UpperSuffix = "?";
        _project.Build();

        _project.UpperSuffix = "!";
        var result = _project.Build();

        Assert.Equal(0, _project.Runs["upper"]);
        Assert.Equal(5, TestProject.StageOf(result, "upper").Cached);
        Assert.All(_project.Outputs().Where(o => o.Path.StartsWith("upper/", StringComparison.Ordinal)), o => Assert.EndsWith("!", o.Text));
    }

    [Fact]
    public void Renaming_a_file_re_hashes_nothing_and_reruns_no_action()
    {
        _project.WriteMany(6);
        _project.Build();
        var before = _project.Outputs();
        _project.Fs.ResetReads();

        _project.Fs.Rename($"{TestProject.Raw}/s0/i000.txt", $"{TestProject.Raw}/s0/renamed.txt");
        var result = _project.Build();

        Assert.Equal(1, result.Index.Renamed);
        Assert.Equal(0, result.Index.Hashed);
        _project.AssertOnlyTheOutputPathNamesWereRead();
        Assert.Equal(0, result.ExecutedCount);
        Assert.Equal(before, _project.Outputs());
    }

    [Fact]
    public void Deleting_an_input_makes_its_outputs_disappear()
    {
        _project.WriteMany(6);
        _project.Build();
        var upperBefore = _project.Outputs().Count(o => o.Path.StartsWith("upper/", StringComparison.Ordinal));

        _project.Fs.Delete($"{TestProject.Raw}/s2/i005.txt");
        _project.Fs.Delete($"{TestProject.Raw}/s2/i002.txt");
        var result = _project.Build();

        var outputs = _project.Outputs();
        Assert.Equal(upperBefore - 2, outputs.Count(o => o.Path.StartsWith("upper/", StringComparison.Ordinal)));
        Assert.DoesNotContain(outputs, o => o.Path == "volumes/S2.txt"); // the whole series is gone
        Assert.Equal(3, result.Output.Removed);
        Assert.Contains(outputs, o => o.Path == "stats.txt" && o.Text.StartsWith("items=4 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_deleted_output_file_is_restored_from_the_store_without_running_anything()
    {
        _project.WriteMany(3);
        _project.Build();
        var before = _project.Outputs();

        _project.Fs.Delete($"{TestProject.Out}/stats.txt");
        var result = _project.Build();

        Assert.Equal(0, result.ExecutedCount);
        Assert.Equal(1, result.Output.Written);
        Assert.Equal(before, _project.Outputs());
    }

    [Fact]
    public void A_no_op_build_stats_each_output_file_once_and_no_store_object_behind_a_hard_link()
    {
        using var project = new TestProject(OutputLinkMode.Hardlink);
        project.WriteMany(12);
        project.Build();
        project.Fs.ResetStats();

        var result = project.Build();

        Assert.Equal(0, result.ExecutedCount);
        Assert.Equal(12 + 3 + 1, result.Output.Kept);
        Assert.Equal(12 + 3 + 1, project.Fs.StatsUnder(TestProject.Out));
        // The store: only the output path names' objects, to find each output's path (a hard link counts its object's links).
        var names = project.PathNameObjects();
        Assert.All(project.Fs.Stats.Keys.Where(p => p.StartsWith(project.Layout.Objects + "/", StringComparison.Ordinal)), p => Assert.Contains(p, names));
    }

    [Fact]
    public void A_no_op_build_of_copied_outputs_stats_each_output_file_and_its_object_once_and_reads_nothing()
    {
        _project.WriteMany(12);
        _project.Build();
        _project.Fs.ResetStats();
        _project.Fs.ResetReads();

        var result = _project.Build();

        Assert.Equal(0, result.ExecutedCount);
        Assert.Equal(12 + 3 + 1, result.Output.Kept);
        Assert.Equal(12 + 3 + 1, _project.Fs.StatsUnder(TestProject.Out));
        var names = _project.PathNameObjects();
        var objectStats = _project.Fs.Stats.Where(p => p.Key.StartsWith(_project.Layout.Objects + "/", StringComparison.Ordinal) && !names.Contains(p.Key)).ToList();
        Assert.Equal(12 + 3 + 1, objectStats.Sum(p => p.Value));
        Assert.Equal(0, _project.Fs.ReadsUnder(_project.Layout.Objects) - names.Sum(n => _project.Fs.Reads.GetValueOrDefault(n)));
    }

    [Fact]
    public void A_store_object_lost_behind_a_kept_output_file_is_noticed_by_the_next_build_and_made_again()
    {
        _project.WriteMany(3);
        _project.Build();
        var before = _project.Outputs();
        var stats = _project.Fs.Walk(_project.Layout.Objects)
            .Single(e => _project.Fs.ReadText($"{_project.Layout.Objects}/{e.RelativePath}").StartsWith("items=", StringComparison.Ordinal));

        _project.Fs.Delete($"{_project.Layout.Objects}/{stats.RelativePath}");
        var result = _project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(1, _project.Runs["stats"]);
        Assert.True(_project.Fs.Exists($"{_project.Layout.Objects}/{stats.RelativePath}"));
        Assert.Equal(before, _project.Outputs());
    }

    [Fact]
    public void A_file_touched_without_a_change_is_re_hashed_but_reruns_nothing()
    {
        _project.WriteMany(3);
        _project.Build();

        _project.Fs.Touch($"{TestProject.Raw}/s1/i001.txt");
        var result = _project.Build();

        Assert.Equal(1, result.Index.Hashed);
        Assert.Equal(0, result.ExecutedCount);
        _project.Fs.ResetReads();
        Assert.Equal(0, _project.Build().Index.Hashed);
    }
}
