using System.Text;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>
/// A stage may lend the engine a buffer (a pooled one) for an output's content: the engine calls the output's
/// Release once it has stored the content, and once only, whether the action is recorded or refused.
/// </summary>
public sealed class OutputReleaseTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private Pipeline Lending(Func<StageInput, byte[], StageResult> run) => new(
        [new DataForge.Engine.Sources.SourceSpec("raw", TestProject.Raw)],
        [new DelegateStage(new StageDefinition("lend", 1, StageShape.Map, ["raw"]) { Publish = true },
            input => run(input, input.Item.ReadAllBytes()))]);

    [Fact]
    public void A_lent_buffer_is_released_once_after_its_content_was_stored()
    {
        _project.WriteSource("a.txt", "S0", "one");
        _project.WriteSource("b.txt", "S1", "two");
        var released = new List<string>();
        var result = _project.Engine.Build(Lending((input, bytes) =>
        {
            var buffer = new byte[bytes.Length + 16];
            bytes.CopyTo(buffer, 0);
            var path = $"{input.Item.Hash.Short}.txt";
            return StageResult.Success(new StageOutput(path, buffer.AsMemory(0, bytes.Length))
            {
                Release = () =>
                {
                    lock (released) released.Add(path);
                    buffer.AsSpan().Fill((byte)'#');  // what a pool's next user would do to it
                },
            });
        }));

        Assert.True(result.Succeeded);
        Assert.Equal(2, released.Count);
        Assert.Equal(released.Order(StringComparer.Ordinal), _project.Outputs().Select(o => o.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["series=S0\none", "series=S1\ntwo"], _project.Outputs().Select(o => o.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Outputs_the_engine_refuses_are_released_too()
    {
        _project.WriteSource("a.txt", "S0", "one");
        var released = 0;
        var result = _project.Engine.Build(Lending((_, bytes) => StageResult.Success(
            new StageOutput("same.txt", bytes) { Release = () => Interlocked.Increment(ref released) },
            new StageOutput("same.txt", Encoding.UTF8.GetBytes("other")) { Release = () => Interlocked.Increment(ref released) })));

        Assert.False(result.Succeeded);
        Assert.Equal("stage bug: two outputs of one action share a path", Assert.Single(result.Failures).Reason);
        Assert.Equal(2, released);
    }
}
