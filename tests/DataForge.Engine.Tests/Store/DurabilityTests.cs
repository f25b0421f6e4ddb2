using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Store;

public sealed class DurabilityTests
{
    [Fact]
    public void Objects_written_since_the_last_commit_are_flushed_before_the_database_commits()
    {
        using var database = StateDatabaseLocation.InMemory();
        var fs = new InMemoryFileSystem();
        var objects = new ObjectStore(fs, "/p/.dataforge/objects");
        using var db = StateDatabase.Open(database, out _);
        db.BeforeCommit = objects.MakeDurable;

        db.Commit();
        Assert.Equal(0, fs.Syncs); // nothing written, nothing to flush

        var hash = objects.Put("content"u8);
        db.RecordAction(hash, "stage", [new OutputRecord("a.txt", hash, 7, hash)]);
        Assert.Equal(0, fs.Syncs);
        db.Commit();
        Assert.Equal(1, fs.Syncs);

        objects.Put("content"u8); // already stored: no write, no flush
        db.Commit();
        Assert.Equal(1, fs.Syncs);
    }

    [Fact]
    public void A_no_op_build_flushes_nothing()
    {
        using var project = new TestProject();
        project.WriteMany(4);
        project.Build();
        var after = project.Fs.Syncs;

        project.Build();

        Assert.True(after >= 1);
        Assert.Equal(after, project.Fs.Syncs);
    }
}
