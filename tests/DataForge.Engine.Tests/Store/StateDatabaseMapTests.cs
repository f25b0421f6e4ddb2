using DataForge.Engine.Building;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using DataForge.Engine.Sources;
using DataForge.Engine.Stages;
using DataForge.Engine.Store;
using DataForge.Engine.Tests.Fakes;
using Xunit;

namespace DataForge.Engine.Tests.Store;

/// <summary>
/// state.db is mapped for reading and unmapped while a stage's actions record their rows: mapped pages an insert
/// touched would stay resident (tens of megabytes of a first build of 100,000 files). Linux: /proc/self/maps says
/// what the process maps.
/// </summary>
public sealed class StateDatabaseMapTests
{
    private static bool Mapped(string database) =>
        File.ReadLines("/proc/self/maps").Any(line => line.EndsWith(" " + database, StringComparison.Ordinal));

    [SkippableFact]
    public void State_db_is_mapped_for_reading_and_not_in_an_unmapped_scope()
    {
        Skip.IfNot(File.Exists("/proc/self/maps"), "no /proc/self/maps on this platform");
        using var project = new DiskProject();
        Directory.CreateDirectory(project.StateRoot);
        var path = Path.Combine(project.StateRoot, "state.db");
        using (var db = StateDatabase.Open(StateDatabaseLocation.File(path), out _))
        {
            for (var i = 0; i < 2000; i++)
                db.PutFile("raw", $"f{i:D5}.txt", new FileRecord(new FileStat(i, i, i), ContentHash.Of([(byte)i])));
            db.Commit();
        }
        // Reopened: the rows are in the file now (the close checkpointed the WAL), so reading them maps it.
        using (var db = StateDatabase.Open(StateDatabaseLocation.File(path), out _))
        {
            Assert.Equal(2000, db.LoadStatCache("raw").Count);
            Assert.True(Mapped(path));

            using (db.Unmapped())
            {
                Assert.False(Mapped(path));
                Assert.Equal(2000, db.LoadStatCache("raw").Count);
                Assert.False(Mapped(path));
            }

            Assert.Equal(2000, db.LoadStatCache("raw").Count);
            Assert.True(Mapped(path));
        }
    }

    [SkippableFact]
    public void A_stages_actions_run_while_state_db_is_unmapped()
    {
        Skip.IfNot(File.Exists("/proc/self/maps"), "no /proc/self/maps on this platform");
        using var project = new DiskProject();
        project.WriteMany(200);
        var database = Path.Combine(project.StateRoot, "state.db");
        var mappedRuns = 0;
        var stage = new DelegateStage(new StageDefinition("copy", 1, StageShape.Map, ["raw"]), input =>
        {
            if (Mapped(database)) Interlocked.Increment(ref mappedRuns);
            return StageResult.Success(new StageOutput($"{input.Item.Hash.Short}.txt", input.Item.ReadAllBytes()));
        });
        var engine = new BuildEngine(new StoreLayout(project.Root, project.Out));
        var pipeline = new Pipeline([new SourceSpec("raw", project.Raw)], [stage]);
        Assert.True(engine.Build(pipeline, new BuildOptions { Jobs = 2 }).Succeeded);
        // A second build reads the first one's rows from the file (mapped), then runs every action again.
        project.WriteMany(200, size: 2100);
        stage.ResetRuns();

        var result = engine.Build(pipeline, new BuildOptions { Jobs = 2 });

        Assert.True(result.Succeeded);
        Assert.Equal(200, stage.Runs);
        Assert.Equal(0, mappedRuns);
    }
}
