using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class InputPathTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private (BuildResult Result, DelegateStage Stage) BuildListing(bool readsPaths)
    {
        var stage = new DelegateStage(new StageDefinition("listing", 1, StageShape.Reduce, ["raw"]) { ReadsInputPaths = readsPaths, Publish = true },
            input => StageResult.Success(new StageOutput("listing.txt",
                Encoding.UTF8.GetBytes(string.Join("\n", input.Items.Select(i => $"{i.Path ?? "(hidden)"} {i.Hash.Short}"))))));
        var result = _project.Engine.Build(new Pipeline([new SourceSpec("raw", TestProject.Raw)], [stage]), new BuildOptions { Jobs = 2 });
        return (result, stage);
    }

    [Fact]
    public void A_stage_that_reads_input_paths_sees_them_and_reruns_when_an_input_is_renamed()
    {
        _project.WriteSource("a.txt", "S", "1");
        _project.WriteSource("b.txt", "S", "2");
        BuildListing(readsPaths: true);

        _project.Fs.Rename($"{TestProject.Raw}/b.txt", $"{TestProject.Raw}/c.txt");
        var (result, stage) = BuildListing(readsPaths: true);

        Assert.Equal(1, stage.Runs);
        Assert.Equal(Planning.RunReason.ChangedInput, Assert.Single(result.Executed).Reason);
        Assert.Contains("c.txt ", _project.Fs.ReadText($"{TestProject.Out}/listing.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stage_that_does_not_read_paths_never_sees_them_and_ignores_renames()
    {
        _project.WriteSource("a.txt", "S", "1");
        BuildListing(readsPaths: false);

        _project.Fs.Rename($"{TestProject.Raw}/a.txt", $"{TestProject.Raw}/z.txt");
        var (_, stage) = BuildListing(readsPaths: false);

        Assert.Equal(0, stage.Runs);
        Assert.StartsWith("(hidden) ", _project.Fs.ReadText($"{TestProject.Out}/listing.txt"), StringComparison.Ordinal);
    }
}
