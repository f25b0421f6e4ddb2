using Microsoft.Data.Sqlite;

namespace DataForge.Engine.Store;

/// <summary>Where state.db lives: a file under <c>.dataforge/</c>, or a named in-memory database for engine tests.</summary>
public abstract class StateDatabaseLocation
{
    /// <summary>Connection string for Microsoft.Data.Sqlite.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Moves an unreadable database aside and returns where it went (a name, no content).</summary>
    public abstract string MoveAside();

    /// <summary>True for a file on disk (WAL mode applies), false in memory.</summary>
    public abstract bool IsFile { get; }

    /// <summary>The database file at <paramref name="path"/>.</summary>
    public static StateDatabaseLocation File(string path) => new FileLocation(path);

    /// <summary>
    /// A shared-cache in-memory database that lives as long as the returned location is not
    /// disposed; every build opened on it sees the same state.
    /// </summary>
    public static InMemoryStateDatabase InMemory() => new();

    private sealed class FileLocation(string path) : StateDatabaseLocation
    {
        public override string ConnectionString => new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();

        public override bool IsFile => true;

        public override string MoveAside()
        {
            for (var n = 1; ; n++)
            {
                var aside = $"{path}.unreadable-{n}";
                if (System.IO.File.Exists(aside)) continue;
                System.IO.File.Move(path, aside);
                foreach (var suffix in new[] { "-wal", "-shm" })
                    if (System.IO.File.Exists(path + suffix)) System.IO.File.Move(path + suffix, aside + suffix, overwrite: true);
                return Path.GetFileName(aside);
            }
        }
    }
}
