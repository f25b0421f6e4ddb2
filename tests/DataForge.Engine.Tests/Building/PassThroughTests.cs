using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>A filter stage passes some inputs through unchanged; the stage after it reads them as if it read the sources.</summary>
public sealed class PassThroughTests : IDisposable
{
    private const string Raw = "/p/raw";
    private readonly InMemoryStateDatabase _database = StateDatabaseLocation.InMemory();
    private readonly InMemoryFileSystem _fs = new();
    private readonly BuildEngine _engine;
    private DelegateStage _filter = null!;
    private DelegateStage _upper = null!;

    public PassThroughTests() => _engine = new BuildEngine(new StoreLayout("/p", "/p/out"), _fs, _database);

    public void Dispose() => _database.Dispose();

    /// <summary>filter (map): passes through inputs that do not hold <paramref name="drop"/>; upper (map, published) reads the filter.</summary>
    private BuildResult Build(string drop, int filterVersion = 1, bool upperReadsFilter = true)
    {
        _filter = new DelegateStage(new StageDefinition("filter", filterVersion, StageShape.Map, ["raw"], CanonicalJson.FromObject(new { drop })), input =>
            Encoding.UTF8.GetString(input.Item.ReadAllBytes()).Contains(drop, StringComparison.Ordinal)
                ? StageResult.Success()
                : StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.kept", input.Item)));
        _upper = new DelegateStage(new StageDefinition("upper", 1, StageShape.Map, [upperReadsFilter ? "filter" : "raw"]) { Publish = true }, input =>
            StageResult.Success(new StageOutput($"upper/{input.Item.Hash.Short}.txt", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(input.Item.ReadAllBytes()).ToUpperInvariant()))));
        return _engine.Build(new Pipeline([new SourceSpec("raw", Raw, ["**/*.txt"])], [_filter, _upper]), new BuildOptions { Jobs = 2 });
    }

    private void WriteSources()
    {
        _fs.Write($"{Raw}/a.txt", "alpha");
        _fs.Write($"{Raw}/b.txt", "beta");
        _fs.Write($"{Raw}/c.txt", "gamma drop-me");
    }

    [Fact]
    public void Dropped_inputs_never_reach_the_next_stage_and_kept_ones_arrive_unchanged()
    {
        WriteSources();

        var result = Build("drop-me");

        Assert.True(result.Succeeded);
        Assert.Equal(2, _upper.Runs);
        var texts = _fs.FilesUnder("/p/out").Select(p => _fs.ReadText($"/p/out/{p}")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["ALPHA", "BETA"], texts);
    }

    [Fact]
    public void The_listing_after_a_filter_finds_every_action_the_build_recorded()
    {
        WriteSources();
        Assert.True(Build("drop-me").Succeeded);

        var listing = _engine.ListOutputs(new Pipeline([new SourceSpec("raw", Raw, ["**/*.txt"])], [_filter, _upper]));

        Assert.Empty(listing.Problems);
        Assert.Equal(2, listing.Outputs.Count);
        Assert.All(listing.Outputs, o => Assert.Equal("upper", o.StageId));
    }

    [Fact]
    public void A_passed_through_source_is_not_copied_into_the_store()
    {
        WriteSources();
        Build("drop-me");

        var objects = _fs.FilesUnder("/p/.dataforge/objects").Select(p => _fs.ReadText($"/p/.dataforge/objects/{p}")).ToList();

        Assert.DoesNotContain("alpha", objects);
        Assert.DoesNotContain("beta", objects);
    }

    [Fact]
    public void The_stage_after_a_filter_keeps_the_cache_it_had_reading_the_sources_directly()
    {
        WriteSources();
        Build("nothing-matches", upperReadsFilter: false);
        Assert.Equal(3, _upper.Runs);

        var result = Build("drop-me");

        Assert.True(result.Succeeded);
        Assert.Equal(0, _upper.Runs);
        Assert.Equal(2, TestProjectStage(result, "upper").Cached);
    }

    [Fact]
    public void A_filter_that_reruns_with_the_same_decision_reruns_nothing_after_it()
    {
        WriteSources();
        Build("drop-me");

        var result = Build("drop-me", filterVersion: 2);

        Assert.Equal(3, _filter.Runs);
        Assert.Equal(0, _upper.Runs);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Changing_a_passed_through_source_reruns_only_its_own_actions()
    {
        WriteSources();
        Build("drop-me");

        _fs.Write($"{Raw}/a.txt", "alpha two");
        var result = Build("drop-me");

        Assert.Equal(1, _filter.Runs);
        Assert.Equal(1, _upper.Runs);
        Assert.Contains("ALPHA TWO", _fs.FilesUnder("/p/out").Select(p => _fs.ReadText($"/p/out/{p}")));
        Assert.True(result.Succeeded);
    }

    private static StageReport TestProjectStage(BuildResult result, string id) => result.Stages.Single(s => s.StageId == id);
}
