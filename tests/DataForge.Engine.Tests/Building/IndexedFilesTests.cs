using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Building;

/// <summary>The index's list of source files is made only when a build plans: a no-op build reads the counts alone.</summary>
public sealed class IndexedFilesTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private BuildRun Run()
    {
        using var db = StateDatabase.Open(_project.Database, out _);
        var objects = new ObjectStore(_project.Fs, _project.Layout.Objects);
        db.LoadNames(objects);
        var run = new BuildRun(_project.Fs, _project.Layout, db, objects, dryRun: false, 2, CancellationToken.None);
        run.Run(_project.Pipeline());
        db.SaveNames(objects);
        new Materialiser(_project.Fs, db, objects, _project.Layout, OutputLinkMode.Auto).Apply(run.Outputs, run.Desired, new DamagedObjects(db, objects, _project.Layout));
        run.RecordFingerprint(_project.Pipeline());
        return run;
    }

    [Fact]
    public void A_no_op_build_makes_no_list_of_source_files()
    {
        _project.WriteMany(6);
        var first = Run();
        Assert.True(first.Sources.Single().Files.Made);
        Assert.Equal(6, first.Sources.Single().Files.List.Count);

        var noOp = Run();

        Assert.True(noOp.ServedByFingerprint);
        var (_, files, report) = noOp.Sources.Single();
        Assert.False(files.Made);
        Assert.Equal(6, files.Count);
        Assert.Equal(6, report.Files);
        // Asked for, it is the index's list: every file, unchanged.
        Assert.Equal(6, files.List.Count(f => f.Unchanged));
    }

    [Fact]
    public void A_build_with_a_changed_file_makes_the_list_with_that_file_changed()
    {
        _project.WriteMany(6);
        Run();
        _project.WriteSource("s0/i000.txt", "S0", "another body");

        var run = Run();

        Assert.False(run.ServedByFingerprint);
        var files = run.Sources.Single().Files.List;
        Assert.Equal(6, files.Count);
        Assert.Equal(["s0/i000.txt"], files.Where(f => !f.Unchanged).Select(f => f.RelativePath));
    }
}
