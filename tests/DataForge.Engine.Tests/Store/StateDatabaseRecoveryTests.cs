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

        Assert.Contains("schema version '99' is not 3", Assert.Single(status.Notices), StringComparison.Ordinal);
        Assert.False(status.UpToDate);
        Assert.Contains("schema version '99' is not 3", Assert.Single(result.Notices), StringComparison.Ordinal);
        Assert.True(result.Succeeded);
        Assert.True(engine.Status(HostPipeline.Create(project.Root, 0)).UpToDate);
    }

    /// <summary>The tables of schema 1 (hashes as 64-character hex TEXT), as the previous release created them.</summary>
    private const string SchemaV1 = """
        CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE files(source TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(source, path)) WITHOUT ROWID;
        CREATE TABLE actions(key TEXT PRIMARY KEY, stage TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE outputs(action TEXT NOT NULL, ord INTEGER NOT NULL, path TEXT NOT NULL, object TEXT NOT NULL,
            size INTEGER NOT NULL, metadata TEXT NOT NULL, PRIMARY KEY(action, ord)) WITHOUT ROWID;
        CREATE TABLE slots(stage TEXT NOT NULL, slot TEXT NOT NULL, action TEXT NOT NULL, version INTEGER NOT NULL,
            config TEXT NOT NULL, inputs TEXT NOT NULL, PRIMARY KEY(stage, slot)) WITHOUT ROWID;
        CREATE TABLE group_keys(metadata TEXT NOT NULL, property TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY(metadata, property)) WITHOUT ROWID;
        CREATE TABLE materialised(path TEXT PRIMARY KEY, object TEXT NOT NULL, done INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE roots(name TEXT NOT NULL, object TEXT NOT NULL, PRIMARY KEY(name, object)) WITHOUT ROWID;
        INSERT INTO meta(name, value) VALUES ('schema', '1');
        """;

    [Fact]
    public void A_schema_1_state_db_with_hex_hashes_is_reported_moved_aside_and_rebuilt_to_the_same_outputs()
    {
        using var project = new DiskProject();
        project.WriteMany(5);
        var engine = EngineFor(project);
        Assert.True(engine.Build(HostPipeline.Create(project.Root, 0)).Succeeded);
        var before = project.Outputs();
        // A database as schema 1 left it: a stat-cache row whose hash is hex text.
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(Db(project) + suffix);
        using (var connection = new SqliteConnection($"Data Source={Db(project)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SchemaV1 + "INSERT INTO files VALUES ('raw', 'a.txt', 1, 1, 1, '" + new string('a', 64) + "');";
            command.ExecuteNonQuery();
        }

        var result = engine.Build(HostPipeline.Create(project.Root, 0));

        Assert.True(result.Succeeded);
        var notice = Assert.Single(result.Notices);
        Assert.StartsWith("state.db was not trusted (schema version '1' is not 3); moved aside to state.db.unreadable-1", notice, StringComparison.Ordinal);
        Assert.True(File.Exists(Db(project) + ".unreadable-1"));
        Assert.Equal(5, result.Index.Hashed);
        Assert.Equal(before.Select(b => (b.Path, Convert.ToHexString(b.Bytes))), project.Outputs().Select(b => (b.Path, Convert.ToHexString(b.Bytes))));
        Assert.True(engine.Status(HostPipeline.Create(project.Root, 0)).UpToDate);
    }

    [Fact]
    public void Content_hashes_and_action_keys_are_stored_as_32_byte_blobs()
    {
        using var project = new DiskProject();
        project.WriteMany(3);
        Assert.True(EngineFor(project).Build(HostPipeline.Create(project.Root, 0)).Succeeded);

        using var connection = new SqliteConnection($"Data Source={Db(project)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        // SQLite's own typeof()/length(), over every hash column of the tables a build fills.
        command.CommandText = """
            SELECT typeof(hash), length(hash) FROM files UNION ALL SELECT typeof(key), length(key) FROM actions
            UNION ALL SELECT typeof(action), length(action) FROM outputs UNION ALL SELECT typeof(object), length(object) FROM outputs
            UNION ALL SELECT typeof(metadata), length(metadata) FROM outputs UNION ALL SELECT typeof(action), length(action) FROM slots
            UNION ALL SELECT typeof(config), length(config) FROM slots UNION ALL SELECT typeof(inputs), length(inputs) FROM slots
            UNION ALL SELECT typeof(object), length(object) FROM materialised
            """;
        var kinds = new List<(string, long)>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) kinds.Add((reader.GetString(0), reader.GetInt64(1)));
        Assert.True(kinds.Count >= 3 * 8, $"{kinds.Count} hash values");
        Assert.All(kinds, k => Assert.Equal(("blob", 32L), k));
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
