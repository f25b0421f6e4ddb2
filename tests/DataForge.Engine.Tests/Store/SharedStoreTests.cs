using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Store;
using DataForge.Engine.TestHost;
using DataForge.Engine.Tests.Fakes;
using DataForge.Testing;
using Xunit;

namespace DataForge.Engine.Tests.Store;

/// <summary>Two projects whose objects live in one shared store folder (<c>store: PATH</c>).</summary>
public sealed class SharedStoreTests : IDisposable
{
    private readonly TempDirectory _store = new("dataforge-shared-store");
    private readonly DiskProject _a = new();
    private readonly DiskProject _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _store.Dispose();
    }

    private BuildEngine EngineOf(DiskProject project) => new(new StoreLayout(project.Root, project.Out, _store.Path));

    private static List<string> Files(DiskProject project) => project.Outputs().Select(f => $"{f.Path} {Convert.ToHexString(f.Bytes)}").ToList();

    private IReadOnlyList<string> StoreObjects() =>
        Directory.EnumerateFiles(Path.Combine(_store.Path, "objects"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_store.Path, "objects"), f).Replace("/", "")).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Gc_in_one_project_never_removes_the_objects_another_project_holds()
    {
        _a.WriteMany(6);
        for (var i = 0; i < 5; i++) _b.WriteSource($"b{i}.txt", $"B{i % 2}", DiskProject.Body(100 + i, 1500));
        var a = EngineOf(_a);
        var b = EngineOf(_b);
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        Assert.True(b.Build(HostPipeline.Create(_b.Root, 0)).Succeeded);
        var bOutputs = Files(_b);
        // A changes its config: its old scramble outputs are garbage, B's objects are not.
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0, "k2")).Succeeded);
        var before = StoreObjects();

        var gc = a.CollectGarbage();

        Assert.Equal(BuildOutcome.Completed, gc.Outcome);
        Assert.True(gc.ObjectsRemoved > 0, "A's superseded objects were not collected");
        Assert.Equal(before.Count - gc.ObjectsRemoved, StoreObjects().Count);
        Assert.False(Directory.Exists(Path.Combine(_a.StateRoot, "objects")), "a project on a shared store keeps no objects of its own");
        // B's every object survived: with out/ gone, B's build restores it from the store and runs nothing.
        Directory.Delete(_b.Out, recursive: true);
        var again = b.Build(HostPipeline.Create(_b.Root, 0));
        Assert.Equal(0, again.ExecutedCount);
        Assert.Equal(bOutputs, Files(_b));
        Assert.Equal(0, a.Build(HostPipeline.Create(_a.Root, 0, "k2")).ExecutedCount);
        var fsck = b.CheckStore();
        Assert.Equal((BuildOutcome.Completed, 0), (fsck.Outcome, fsck.Damaged.Count));
        Assert.Equal(StoreObjects().Count(o => o.Length == 64), fsck.Checked);
    }

    [Fact]
    public void A_release_of_one_project_keeps_its_objects_through_another_projects_gc()
    {
        _a.WriteMany(4);
        _b.WriteSource("b.txt", "B", DiskProject.Body(500, 1000));
        var a = EngineOf(_a);
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        var released = _a.Outputs().Select(f => ContentHash.Of(f.Bytes)).ToList();
        a.SetRoot("v1", released);
        // A moves on: its v1 outputs are held by the release alone.
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0, "k2")).Succeeded);
        Assert.True(EngineOf(_b).Build(HostPipeline.Create(_b.Root, 0)).Succeeded);

        // A's gc forgets its superseded actions; what only v1 holds stays in A's roots, and B's gc respects them.
        Assert.True(a.CollectGarbage().ActionsForgotten > 0, "A's superseded actions were not forgotten");
        Assert.Equal(BuildOutcome.Completed, EngineOf(_b).CollectGarbage().Outcome);

        Assert.True(a.CheckObjects(released).AllIntact, "an object of A's release was collected");
    }

    [Fact]
    public void Gc_removes_nothing_from_the_shared_store_while_another_projects_last_build_is_unfinished()
    {
        _a.WriteMany(4);
        _b.WriteSource("b.txt", "B", DiskProject.Body(500, 1000));
        var a = EngineOf(_a);
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0, "k2")).Succeeded);
        Assert.True(EngineOf(_b).Build(HostPipeline.Create(_b.Root, 0)).Succeeded);
        // B's next build killed after it started: its mark stays, and what it made is in no roots file yet.
        var b = new SharedStore(new PhysicalFileSystem(), new StoreLayout(_b.Root, _b.Out, _store.Path));
        b.MarkUnfinished();
        new SharedStore(new PhysicalFileSystem(), new StoreLayout(_a.Root, _a.Out, _store.Path)).MarkUnfinished();
        var before = StoreObjects();

        var refused = a.CollectGarbage();

        Assert.Contains($"roots/{b.ProjectId}.unfinished", refused.NotSwept, StringComparison.Ordinal);
        Assert.Equal(0, refused.ObjectsRemoved);
        Assert.Equal(before, StoreObjects());
        // B's next build finishes and writes its roots: A's gc sweeps (A's own mark never stops it).
        Assert.True(EngineOf(_b).Build(HostPipeline.Create(_b.Root, 0)).Succeeded);
        Assert.False(File.Exists(b.UnfinishedFile));
        var swept = a.CollectGarbage();
        Assert.Null(swept.NotSwept);
        Assert.True(swept.ObjectsRemoved > 0);
    }

    [Fact]
    public void A_project_that_moves_to_a_shared_store_builds_without_a_failure_and_brings_its_releases_objects()
    {
        _a.WriteMany(4);
        var local = new BuildEngine(new StoreLayout(_a.Root, _a.Out));
        Assert.True(local.Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        var files = Files(_a);
        var released = _a.Outputs().Select(f => ContentHash.Of(f.Bytes)).ToList();
        local.SetRoot("v1", released);

        var moved = EngineOf(_a).Build(HostPipeline.Create(_a.Root, 0));

        Assert.True(moved.Succeeded, string.Join("; ", moved.Failures));
        Assert.Contains(moved.Notices, n => n.Contains("objects folder changed", StringComparison.Ordinal));
        Assert.Equal(files, Files(_a));
        Assert.True(EngineOf(_a).CheckObjects(released).AllIntact, "the release's objects are not in the shared store");
        Assert.Equal(0, EngineOf(_a).Build(HostPipeline.Create(_a.Root, 0)).ExecutedCount);
    }

    [Fact]
    public void Gc_removes_nothing_when_a_roots_file_is_not_of_the_format()
    {
        _a.WriteMany(3);
        var a = EngineOf(_a);
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        Assert.True(a.Build(HostPipeline.Create(_a.Root, 0, "k2")).Succeeded);
        File.WriteAllText(Path.Combine(_store.Path, "roots", "0123456789abcdef0123456789abcdef"), "written by hand\n");
        var before = StoreObjects();

        var gc = a.CollectGarbage();

        Assert.Contains("roots/0123456789abcdef0123456789abcdef is not of this format", gc.NotSwept, StringComparison.Ordinal);
        Assert.Equal(before, StoreObjects());
    }

    [Fact]
    public void A_build_on_a_shared_store_makes_the_bytes_of_a_build_on_its_own_store()
    {
        _a.WriteMany(6);
        _b.WriteMany(6);
        Assert.True(EngineOf(_a).Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        Assert.True(new BuildEngine(new StoreLayout(_b.Root, _b.Out)).Build(HostPipeline.Create(_b.Root, 0)).Succeeded);

        Assert.Equal(Files(_b), Files(_a));
    }

    [Fact]
    public void Gc_waits_for_no_build_and_refuses_while_a_build_holds_the_store()
    {
        _a.WriteMany(2);
        _b.WriteMany(2);
        Assert.True(EngineOf(_a).Build(HostPipeline.Create(_a.Root, 0)).Succeeded);
        var shared = new SharedStore(new PhysicalFileSystem(), new StoreLayout(_b.Root, _b.Out, _store.Path));
        using (shared.Lock(exclusive: false, noWait: true, null, TimeSpan.FromMilliseconds(10), default))
        {
            // Another project's build holds the store: gc with --no-wait does nothing.
            var gc = EngineOf(_a).CollectGarbage(new BuildOptions { NoWait = true });
            Assert.Equal(BuildOutcome.LockBusy, gc.Outcome);
            Assert.Equal(0, gc.ObjectsRemoved);
        }
        Assert.Equal(BuildOutcome.Completed, EngineOf(_a).CollectGarbage(new BuildOptions { NoWait = true }).Outcome);
    }
}
