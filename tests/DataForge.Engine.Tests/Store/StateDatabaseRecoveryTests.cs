using DataForge.Engine.Store;
using DataForge.Engine.TestHost;
using DataForge.Engine.Tests.Fakes;
using Microsoft.Data.Sqlite;
using Xunit;

namespace DataForge.Engine.Tests.Store;

public sealed class StateDatabaseRecoveryTests
{
    private static BuildEngine EngineFor(DiskProject project) => new(new StoreLayout(project.Root, project.Out));

    private static string Db(DiskProject project) => Path.Combine(project.StateRoot, "state.db");

    [Fact]
    public void A_corrupt_state_db_is_reported_moved_aside_and_rebuilt_to_the_same_outputs()
    {
        using var project = new DiskProject();
        project.WriteMany(10);
        var engine = EngineFor(project);
        Assert.True(engine.Build(HostPipeline.Create(project.Root, 0)).Succeeded);
        var before = project.Outputs();
        File.WriteAllBytes(Db(project), "this is not an SQLite database, it is garbage of some length"u8.ToArray());
        var messages = new List<string>();

        var result = engine.Build(HostPipeline.Create(project.Root, 0), new DataForge.Engine.Building.BuildOptions { OnMessage = messages.Add });

        Assert.True(result.Succeeded);
        var notice = Assert.Single(result.Notices);
        Assert.StartsWith("state.db was not trusted (SQLite error 26", notice, StringComparison.Ordinal);
        Assert.EndsWith("moved aside to state.db.unreadable-1 and rebuilt: files are re-hashed, work already in the store is reused", notice, StringComparison.Ordinal);
        Assert.Equal(notice, Assert.Single(messages));
        Assert.True(File.Exists(Db(project) + ".unreadable-1"));
        Assert.Equal(10, result.Index.Hashed);
        Assert.Equal(before.Select(b => (b.Path, Convert.ToHexString(b.Bytes))), project.Outputs().Select(b => (b.Path, Convert.ToHexString(b.Bytes))));
        Assert.Empty(engine.Build(HostPipeline.Create(project.Root, 0)).Notices);
    }

    [Fact]
    public void A_state_db_of_an_unknown_schema_version_is_not_trusted()
    {
        using var project = new DiskProject();
        project.WriteMany(3);
        var engine = EngineFor(project);
        engine.Build(HostPipeline.Create(project.Root, 0));
        using (var connection = new SqliteConnection($"Data Source={Db(project)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value='99' WHERE name='schema'";
            command.ExecuteNonQuery();
        }

        var status = engine.Status(HostPipeline.Create(project.Root, 0));
        var result = engine.Build(HostPipeline.Create(project.Root, 0));

        Assert.Contains("schema version '99' is not 1", Assert.Single(status.Notices), StringComparison.Ordinal);
        Assert.False(status.UpToDate);
        Assert.Contains("schema version '99' is not 1", Assert.Single(result.Notices), StringComparison.Ordinal);
        Assert.True(result.Succeeded);
        Assert.True(engine.Status(HostPipeline.Create(project.Root, 0)).UpToDate);
    }

    [Fact]
    public void A_state_db_missing_a_table_is_not_trusted()
    {
        using var database = StateDatabaseLocation.InMemory();
        using (StateDatabase.Open(database, out _)) { }
        database.Execute("DROP TABLE slots");

        using var reopened = StateDatabase.Open(database, out var notice);

        Assert.Contains("table 'slots' is missing", notice, StringComparison.Ordinal);
        Assert.Empty(reopened.LoadSlots("any"));
    }
}
