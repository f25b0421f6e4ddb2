using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>
/// git's racy-clean rule: a file rewritten with the same size in the same tick of the file system's
/// clock as the build that hashed it keeps its whole stat, so the stat cache must not vouch for it.
/// </summary>
public sealed class RacyCleanTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void A_same_size_rewrite_within_the_clock_tick_of_the_last_build_is_re_hashed_and_rebuilt()
    {
        _project.Fs.ClockFrozen = true;           // every write below and the build share one mtime
        _project.WriteMany(6);
        _project.Build();

        _project.WriteSource("s1/i004.txt", "S1", "body X");   // "body 4" -> "body X": same size, same stat
        var result = _project.Build();

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Index.Changed);
        Assert.Equal(1, _project.Runs["header"]);
        Assert.Contains(result.Executed, e => e.StageId == "header" && e.Item == "raw:s1/i004.txt");
        Assert.Contains(_project.Outputs(), o => o.Path.StartsWith("upper/", StringComparison.Ordinal) && o.Text.Contains("BODY X", StringComparison.Ordinal));
    }

    [Fact]
    public void A_racily_clean_file_that_did_not_change_is_re_hashed_once_and_runs_nothing()
    {
        _project.Fs.ClockFrozen = true;
        _project.WriteMany(6);
        _project.Build();
        _project.Fs.ClockFrozen = false;           // time moves on

        _project.Fs.ResetReads();
        var second = _project.Build();
        Assert.Equal(6, second.Index.Hashed);      // the cache could not vouch for them
        Assert.Equal(0, second.Index.Changed);
        Assert.Equal(0, second.ExecutedCount);

        _project.Fs.ResetReads();
        var third = _project.Build();
        Assert.Equal(0, third.Index.Hashed);       // hashed after their last write: trusted now
        Assert.Equal(0, _project.Fs.ReadsUnder(TestProject.Raw));
        Assert.Equal(0, third.ExecutedCount);
    }

    [Fact]
    public void A_file_written_before_the_builds_clock_tick_is_trusted_on_its_stat()
    {
        _project.WriteMany(6);                     // the fake's clock ticks on each write
        _project.Build();
        _project.Fs.ResetReads();

        var result = _project.Build();

        Assert.Equal(0, result.Index.Hashed);
        Assert.Equal(0, _project.Fs.ReadsUnder(TestProject.Raw));
    }

    [Fact]
    public void A_racily_clean_file_is_not_taken_for_a_renamed_one()
    {
        _project.Fs.ClockFrozen = true;
        _project.WriteMany(3);
        _project.Build();

        // Same inode, size and mtime under a new name, but new content: only a re-hash can tell.
        _project.Fs.Rename($"{TestProject.Raw}/s0/i000.txt", $"{TestProject.Raw}/s0/moved.txt");
        _project.WriteSource("s0/moved.txt", "S0", "body Z");
        var result = _project.Build();

        Assert.Equal(0, result.Index.Renamed);
        Assert.Contains(_project.Outputs(), o => o.Path.StartsWith("upper/", StringComparison.Ordinal) && o.Text.Contains("BODY Z", StringComparison.Ordinal));
    }
}
