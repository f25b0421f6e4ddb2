using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.CrashSafety;

/// <summary>Builds killed with SIGKILL at random moments, then completed; and builds that run at the same time.</summary>
public sealed class KilledBuildTests
{
    private const int Files = 80;
    private const string Work = "400";

    [Fact]
    public void A_build_killed_at_random_moments_is_completed_by_the_next_to_a_clean_builds_bytes()
    {
        // The reference: a clean build, by the same host, of the sources the victim ends with. Its
        // duration sets the range of kill moments, so most kills land mid-build on any machine.
        using var clean = new DiskProject();
        clean.WriteMany(Files);
        File.Delete(Path.Combine(clean.Raw, "s1", "i0001.txt"));
        clean.WriteSource("s9/new.txt", "S9", DiskProject.Body(999, 3000));
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var reference = HostProcess.Run("build", clean.Root, "-j", "2", "--work", Work, "--key", "k1");
        var cleanMs = (int)timer.ElapsedMilliseconds;
        Assert.Equal(0, reference.Exit);

        using var victim = new DiskProject();
        victim.WriteMany(Files);
        var random = new Random(20261127);
        var kills = 0;
        for (var round = 0; round < 8; round++)
        {
            // Change the sources between kills so later builds have stale outputs to remove, new work to do.
            if (round == 3) File.Delete(Path.Combine(victim.Raw, "s1", "i0001.txt"));
            if (round == 5) victim.WriteSource("s9/new.txt", "S9", DiskProject.Body(999, 3000));
            // A key of its own per round: every round has the whole build's work to do (a round reusing an earlier key
            // would find most of it recorded and end before its kill moment, proving nothing).
            using var build = HostProcess.Start("build", victim.Root, "-j", "2", "--work", Work, "--key", $"k{round + 1}");
            // Within the first half of a clean build's time: a round skips the clean build's cold index (the stat cache
            // holds the sources), so it ends sooner than the reference.
            Thread.Sleep(random.Next(cleanMs / 10, cleanMs / 2));
            if (!build.HasExited)
            {
                build.Kill(); // SIGKILL on Unix: no finally block, no flush
                kills++;
            }
            build.WaitForExit();
        }

        var final = HostProcess.Run("build", victim.Root, "-j", "2", "--work", Work, "--key", "k1");
        var again = HostProcess.Run("build", victim.Root, "-j", "2", "--work", Work, "--key", "k1");

        Assert.True(kills >= 4, $"only {kills} of 8 builds were killed mid-way; the test proves little");
        Assert.Equal(0, final.Exit);
        Assert.Equal(0, again.Exit);
        Assert.Contains("\"Executed\":0,\"Cached\":80", again.Out.Replace(" ", "", StringComparison.Ordinal));
        var expected = clean.Outputs();
        var actual = victim.Outputs();
        Assert.Equal(expected.Select(e => e.Path), actual.Select(a => a.Path));
        for (var i = 0; i < expected.Count; i++) Assert.True(expected[i].Bytes.AsSpan().SequenceEqual(actual[i].Bytes), $"{expected[i].Path} differs");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(victim.StateRoot, "tmp")));
    }

    [Fact]
    public void Two_builds_started_together_take_turns_and_do_the_work_once()
    {
        using var project = new DiskProject();
        project.WriteMany(40);

        using var first = HostProcess.Start("build", project.Root, "-j", "1", "--work", Work);
        using var second = HostProcess.Start("build", project.Root, "-j", "1", "--work", Work);
        var outputs = new[] { first, second }.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToArray();
        first.WaitForExit();
        second.WaitForExit();

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        var executedHeaders = outputs.Sum(o => ExecutedOf(o.Out.Result, "header"));
        Assert.Equal(40, executedHeaders);
        Assert.Contains(outputs, o => o.Err.Result.Contains("waiting for the build lock", StringComparison.Ordinal));
        Assert.NotEmpty(project.Outputs());
    }

    [Fact]
    public void A_no_wait_build_fails_clearly_while_another_process_holds_the_lock_and_takes_it_once_that_process_is_killed()
    {
        using var project = new DiskProject();
        project.WriteMany(3);
        using var holder = HostProcess.Start("hold", project.Root);
        Assert.Equal("holding", holder.StandardOutput.ReadLine());

        var busy = HostProcess.Run("build", project.Root, "--no-wait");
        holder.Kill();
        holder.WaitForExit();
        var after = HostProcess.Run("build", project.Root, "--no-wait");

        Assert.Equal(3, busy.Exit);
        Assert.Contains($"the store is locked by pid {holder.Id}", busy.Err, StringComparison.Ordinal);
        Assert.Equal(0, after.Exit);
        Assert.Equal(3 + 3 + 1, project.Outputs().Count); // three scrambled files, three series volumes, the manifest
    }

    private static int ExecutedOf(string json, string stage)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("stages").EnumerateArray()
            .Single(s => s.GetProperty("StageId").GetString() == stage).GetProperty("Executed").GetInt32();
    }
}
