using DataForge.Engine.Building;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

public sealed class LockTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void A_build_told_not_to_wait_reports_the_busy_lock_and_its_holder_and_does_nothing()
    {
        _project.WriteMany(2);
        using var held = _project.Fs.TryLock(_project.Layout.Lock, "pid 4242");

        var result = _project.Engine.Build(_project.Pipeline(), new BuildOptions { NoWait = true });

        Assert.Equal(BuildOutcome.LockBusy, result.Outcome);
        Assert.Equal("pid 4242", result.LockHolder);
        Assert.False(result.Succeeded);
        Assert.Empty(_project.Outputs());
    }

    [Fact]
    public async Task A_build_waits_for_the_lock_with_one_message_and_runs_once_it_is_free()
    {
        _project.WriteMany(2);
        var held = _project.Fs.TryLock(_project.Layout.Lock, "pid 4242")!;
        var messages = new List<string>();
        var waiting = new ManualResetEventSlim();
        var build = Task.Run(() => _project.Engine.Build(_project.Pipeline(), new BuildOptions
        {
            LockPollInterval = TimeSpan.FromMilliseconds(5),
            OnMessage = m => { lock (messages) messages.Add(m); waiting.Set(); },
        }));

        Assert.True(waiting.Wait(TimeSpan.FromMinutes(2)), "the build never reported that it waits");
        await Task.Delay(50);
        Assert.False(build.IsCompleted);
        held.Dispose();
        var result = await build;

        Assert.True(result.Succeeded);
        Assert.Equal("waiting for the build lock on /p/.dataforge held by pid 4242", Assert.Single(messages));
    }

    [Fact]
    public void Fsck_runs_the_project_checks_it_is_given_while_it_still_holds_the_build_lock()
    {
        _project.WriteMany(2);
        _project.Build();
        BuildResult? during = null;

        var check = _project.Engine.CheckStore(underLock: () =>
            during = _project.Engine.Build(_project.Pipeline(), new BuildOptions { NoWait = true }));

        Assert.Equal(BuildOutcome.Completed, check.Outcome);
        Assert.Equal(BuildOutcome.LockBusy, during!.Outcome);
        Assert.True(_project.Engine.Build(_project.Pipeline(), new BuildOptions { NoWait = true }).Succeeded);
    }
}
