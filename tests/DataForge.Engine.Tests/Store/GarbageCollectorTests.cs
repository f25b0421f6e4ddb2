using DataForge.Engine.Building;
using DataForge.Engine.Hashing;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Store;

public sealed class GarbageCollectorTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private int ObjectCount() => _project.Fs.Walk(_project.Layout.Objects).Count();

    [Fact]
    public void Gc_after_a_clean_build_removes_nothing()
    {
        _project.WriteMany(5);
        _project.Build();
        var objects = ObjectCount();

        var gc = _project.Engine.CollectGarbage();

        Assert.Equal((0, objects), (gc.ObjectsRemoved, gc.ObjectsKept));
        Assert.Equal(0, _project.Build().ExecutedCount);
    }

    [Fact]
    public void Gc_removes_the_objects_of_a_superseded_config_and_the_build_stays_up_to_date()
    {
        _project.WriteMany(5);
        _project.Build();
        _project.UpperSuffix = "?";
        _project.Build();
        var outputs = _project.Outputs();

        var gc = _project.Engine.CollectGarbage();

        // The five old upper outputs go; stats.txt has the same bytes under both suffixes, so its object stays.
        Assert.Equal(5, gc.ObjectsRemoved);
        Assert.Equal(5 + 1, gc.ActionsForgotten); // the old upper actions and the old stats action
        Assert.Equal(0, _project.Build().ExecutedCount);
        Assert.Equal(outputs, _project.Outputs());
        _project.UpperSuffix = "!";
        _project.Build();
        Assert.Equal(5, _project.Runs["upper"]); // the old results are gone, so they are made again
    }

    [Fact]
    public void Gc_removes_the_damaged_copies_moved_aside_and_nothing_else()
    {
        _project.WriteMany(3);
        _project.Build();
        var objects = ObjectCount();
        // A damaged copy as a build or fsck leaves it: named by the hash it should have had.
        var damaged = _project.Layout.Damaged;
        _project.Fs.CreateDirectory(damaged, privateMode: true);
        _project.Fs.WriteAtomically($"{damaged}/{ContentHash.Of("was an object"u8).Hex}", "bit rot"u8, readOnly: true);

        var gc = _project.Engine.CollectGarbage();

        Assert.Equal(1, gc.DamagedRemoved);
        Assert.Empty(_project.Fs.Walk(damaged));
        Assert.Equal((0, objects), (gc.ObjectsRemoved, ObjectCount()));
        Assert.Equal(0, _project.Engine.CollectGarbage().DamagedRemoved);
    }

    [Fact]
    public void Objects_held_by_a_root_survive_gc()
    {
        _project.WriteMany(2);
        _project.Build();
        var release = _project.Outputs().Select(o => ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(o.Text))).ToList();
        _project.Engine.SetRoot("v1", release);
        _project.UpperSuffix = "?";
        _project.Build();

        var gc = _project.Engine.CollectGarbage();

        Assert.Equal(new[] { "v1" }, _project.Engine.RootNames());
        Assert.All(release, h => Assert.True(_project.Fs.Exists($"{_project.Layout.Objects}/{h.Hex[..2]}/{h.Hex[2..]}")));
        Assert.Equal(0, gc.ObjectsRemoved);
        _project.Engine.RemoveRoot("v1");
        Assert.Equal(2, _project.Engine.CollectGarbage().ObjectsRemoved); // the two old upper outputs
    }

    [Fact]
    public void Gc_waits_for_no_one_when_told_not_to_and_the_store_is_locked()
    {
        using var held = _project.Fs.TryLock(_project.Layout.Lock, "pid 1");

        var gc = _project.Engine.CollectGarbage(new BuildOptions { NoWait = true });

        Assert.Equal(BuildOutcome.LockBusy, gc.Outcome);
    }
}
