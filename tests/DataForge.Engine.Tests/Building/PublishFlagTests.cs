using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>
/// A stage may name its outputs by whether it publishes them (an intermediate harmonise step writes its store path,
/// the last one the layout's path). Switching the flag (a layout change) must rerun it: an action recorded while
/// unpublished, served from the cache to the publishing stage, put intermediate paths into the output folder.
/// </summary>
public sealed class PublishFlagTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private static Pipeline Naming(bool publish) => new(
        [new DataForge.Engine.Sources.SourceSpec("raw", TestProject.Raw)],
        [new DelegateStage(new StageDefinition("step", 1, StageShape.Map, ["raw"]) { Publish = publish },
            input => StageResult.Success(new StageOutput(
                (publish ? "final/" : "step/") + input.Item.Hash.Short + ".txt", input.Item.ReadAllBytes())))]);

    [Fact]
    public void Publishing_a_stage_that_ran_unpublished_reruns_it_and_publishes_its_own_paths()
    {
        _project.WriteSource("a.txt", "S0", "one");
        _project.WriteSource("b.txt", "S1", "two");
        Assert.True(_project.Engine.Build(Naming(publish: false)).Succeeded);
        Assert.Empty(_project.Outputs());

        var published = _project.Engine.Build(Naming(publish: true));

        Assert.True(published.Succeeded);
        Assert.Equal(2, TestProject.StageOf(published, "step").Executed);
        Assert.All(_project.Outputs(), o => Assert.StartsWith("final/", o.Path, StringComparison.Ordinal));
        Assert.Equal(2, _project.Outputs().Count);

        // And back: the unpublished actions are cached again, and nothing stays in the output folder.
        var unpublished = _project.Engine.Build(Naming(publish: false));
        Assert.Equal(0, TestProject.StageOf(unpublished, "step").Executed);
        Assert.Empty(_project.Outputs());
    }
}
