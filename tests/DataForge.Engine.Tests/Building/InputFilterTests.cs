using System.Text;
using DataForge.Engine.Building;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class InputFilterTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    // A map stage writing a volume and a sidecar per source file, and a reduce stage reading only the volumes
    // of it and only the .txt files of the source.
    private (BuildResult Result, DelegateStage Reader) Build()
    {
        var split = new DelegateStage(new StageDefinition("split", 1, StageShape.Map, ["raw"]),
            input => StageResult.Success(
                new StageOutput($"v/{input.Item.Hash.Short}.vol", input.Item.ReadAllBytes()),
                new StageOutput($"v/{input.Item.Hash.Short}.json", "{}"u8.ToArray())));
        var reader = new DelegateStage(
            new StageDefinition("reader", 1, StageShape.Reduce, ["raw", "split"])
            {
                ReadsInputPaths = true,
                Publish = true,
                InputPaths = new Dictionary<string, IReadOnlyList<string>> { ["raw"] = ["**/*.txt"], ["split"] = ["**/*.vol"] },
            },
            input => StageResult.Success(new StageOutput("seen.txt",
                Encoding.UTF8.GetBytes(string.Join("\n", input.Items.Select(i => i.Path).Order(StringComparer.Ordinal))))));
        var result = _project.Engine.Build(new Pipeline([new SourceSpec("raw", TestProject.Raw)], [split, reader]), new BuildOptions { Jobs = 2 });
        return (result, reader);
    }

    [Fact]
    public void A_stage_sees_only_the_items_its_input_globs_match()
    {
        _project.WriteSource("a.txt", "S", "1");
        _project.WriteSource("b.csv", "S", "2");
        var (result, _) = Build();
        Assert.Empty(result.Failures);

        var seen = _project.Fs.ReadText($"{TestProject.Out}/seen.txt").Split('\n');
        Assert.Equal(3, seen.Length);
        Assert.Contains("a.txt", seen);
        Assert.Equal(2, seen.Count(p => p.EndsWith(".vol", StringComparison.Ordinal)));
        Assert.DoesNotContain(seen, p => p.EndsWith(".json", StringComparison.Ordinal) || p == "b.csv");
    }

    private DelegateStage BuildTextReader()
    {
        var reader = new DelegateStage(
            new StageDefinition("texts", 1, StageShape.Reduce, ["raw"])
            {
                Publish = true,
                InputPaths = new Dictionary<string, IReadOnlyList<string>> { ["raw"] = ["**/*.txt"] },
            },
            input => StageResult.Success(new StageOutput("count.txt", Encoding.UTF8.GetBytes(input.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        var result = _project.Engine.Build(new Pipeline([new SourceSpec("raw", TestProject.Raw)], [reader]), new BuildOptions { Jobs = 2 });
        Assert.Empty(result.Failures);
        return reader;
    }

    [Fact]
    public void Changing_a_source_file_no_glob_matches_reruns_nothing_and_changing_a_matched_one_reruns()
    {
        _project.WriteSource("a.txt", "S", "1");
        _project.WriteSource("b.csv", "S", "2");
        Assert.Equal(1, BuildTextReader().Runs);

        _project.WriteSource("b.csv", "S", "changed");
        _project.WriteSource("c.csv", "S", "new");
        Assert.Equal(0, BuildTextReader().Runs);

        _project.WriteSource("a.txt", "S", "changed");
        Assert.Equal(1, BuildTextReader().Runs);
        Assert.Equal("1", _project.Fs.ReadText($"{TestProject.Out}/count.txt"));
    }

    [Fact]
    public void Input_globs_may_name_only_the_stages_inputs()
    {
        var e = Assert.Throws<ArgumentException>(() => new StageDefinition("x", 1, StageShape.Reduce, ["raw"])
        {
            InputPaths = new Dictionary<string, IReadOnlyList<string>> { ["volume"] = ["*.nii"] },
        });
        Assert.Contains("'volume', which is not an input of stage x", e.Message, StringComparison.Ordinal);
    }
}
