using Microsoft.Data.Sqlite;

namespace DataForge.Engine.Store;

/// <summary>A state database kept in memory by one open connection, for engine tests that never touch a disk.</summary>
public sealed class InMemoryStateDatabase : StateDatabaseLocation, IDisposable
{
    private readonly SqliteConnection _keeper;

    internal InMemoryStateDatabase()
    {
        ConnectionString = $"Data Source=file:state-{Guid.NewGuid():N}?mode=memory&cache=shared;Pooling=False";
        _keeper = new SqliteConnection(ConnectionString);
        _keeper.Open();
    }

    public override string ConnectionString { get; }

    public override bool IsFile => false;

    /// <summary>In memory there is nothing to move aside: the content is dropped instead.</summary>
    public override string MoveAside()
    {
        using var command = _keeper.CreateCommand();
        command.CommandText = "PRAGMA writable_schema = 1; DELETE FROM sqlite_schema; PRAGMA writable_schema = 0; VACUUM;";
        command.ExecuteNonQuery();
        return "(in-memory database dropped)";
    }

    /// <summary>Runs raw SQL against the database, so tests can damage it on purpose.</summary>
    public void Execute(string sql)
    {
        using var command = _keeper.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _keeper.Dispose();
}
