using System.Text;
using DataForge.Engine.Stages;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>
/// A stage's read of a source file is not hashed again when the file's stat is still the one the index
/// vouched for (and older than the build's clock); any other read is checked against the hash. Either
/// way a file that changed after indexing never yields an output under the old key.
/// </summary>
public sealed class VerifiedReadTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private const string Changed = "an input changed while the build read it; run the build again";

    private Pipeline Reading(Func<StageInput, byte[]> read) => new(
        [new DataForge.Engine.Sources.SourceSpec("raw", TestProject.Raw)],
        [new DelegateStage(new StageDefinition("copy", 1, StageShape.Map, ["raw"]) { Publish = true },
            input => StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.txt", read(input))))]);

    private static byte[] Head(Stream stream, int n)
    {
        var head = new byte[n];
        stream.ReadExactly(head);
        return head;
    }

    [Fact]
    public void An_unchanged_source_file_opens_as_a_seekable_stream_so_a_header_parse_reads_only_its_header()
    {
        _project.WriteSource("a.txt", "S0", "body that a header parse never reads");
        var seekable = false;
        var result = _project.Engine.Build(Reading(input =>
        {
            using var stream = input.Item.OpenRead();
            seekable = stream.CanSeek;
            stream.Seek(0, SeekOrigin.Begin);
            return Head(stream, 9);
        }));

        Assert.True(result.Succeeded);
        Assert.True(seekable);
        Assert.Equal("series=S0", Assert.Single(_project.Outputs()).Text);
    }

    [Fact]
    public void A_file_rewritten_after_its_stream_was_opened_fails_the_action_and_records_nothing()
    {
        _project.WriteSource("a.txt", "S0", "original");
        var result = _project.Engine.Build(Reading(input =>
        {
            using var stream = input.Item.OpenRead();
            var head = Head(stream, 9);
            _project.WriteSource("a.txt", "S0", "rewrite!");  // a writer while the stage works
            return head;
        }));

        Assert.False(result.Succeeded);
        Assert.Equal(Changed, Assert.Single(result.Failures).Reason);
        Assert.Empty(_project.Outputs());
    }

    [Fact]
    public void A_file_rewritten_before_the_stage_reads_it_whole_fails_the_action()
    {
        _project.WriteSource("a.txt", "S0", "original");
        var result = _project.Engine.Build(Reading(input =>
        {
            _project.WriteSource("a.txt", "S0", "rewrite!");
            return input.Item.ReadAllBytes();
        }));

        Assert.Equal(Changed, Assert.Single(result.Failures).Reason);
        Assert.Empty(_project.Outputs());
    }

    [Theory]
    [InlineData("a rewrite longer than the original")]
    [InlineData("short")]
    public void A_file_that_grew_or_shrank_before_the_stage_reads_it_whole_fails_the_action(string rewrite)
    {
        _project.WriteSource("a.txt", "S0", "original");
        var result = _project.Engine.Build(Reading(input =>
        {
            _project.WriteSource("a.txt", "S0", rewrite);
            return input.Item.ReadAllBytes();
        }));

        Assert.Equal(Changed, Assert.Single(result.Failures).Reason);
        Assert.Empty(_project.Outputs());
    }

    [Fact]
    public void A_same_size_rewrite_that_keeps_the_stat_is_still_caught_when_the_stat_cannot_be_trusted()
    {
        // The clock does not move: the rewrite keeps size, mtime and inode, so only the content hash can tell.
        _project.Fs.ClockFrozen = true;
        _project.WriteSource("a.txt", "S0", "original");
        var seekable = true;
        var result = _project.Engine.Build(Reading(input =>
        {
            _project.WriteSource("a.txt", "S0", "rewrite!");
            using (var stream = input.Item.OpenRead()) seekable = stream.CanSeek;
            return input.Item.ReadAllBytes();
        }));

        Assert.False(seekable);  // a verifying stream, not the file's own
        Assert.Equal(Changed, Assert.Single(result.Failures).Reason);
        Assert.Empty(_project.Outputs());
    }

    [Fact]
    public void The_next_build_makes_the_output_of_the_content_that_is_there_then()
    {
        _project.WriteSource("a.txt", "S0", "original");
        var once = true;
        _project.Engine.Build(Reading(input =>
        {
            if (once) { once = false; _project.WriteSource("a.txt", "S0", "rewrite!"); }
            return input.Item.ReadAllBytes();
        }));

        var next = _project.Engine.Build(Reading(input => input.Item.ReadAllBytes()));

        Assert.True(next.Succeeded);
        Assert.Equal(Encoding.UTF8.GetBytes("series=S0\nrewrite!"), Encoding.UTF8.GetBytes(Assert.Single(_project.Outputs()).Text));
    }
}
