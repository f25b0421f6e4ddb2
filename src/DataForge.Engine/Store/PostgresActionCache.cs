using System.Net.Sockets;
using DataForge.Engine.Hashing;
using Npgsql;

namespace DataForge.Engine.Store;

/// <summary>
/// The shared action cache in PostgreSQL (<c>state: postgres://…</c>), through Npgsql:
/// <code>
/// schema 1 (meta.schema = '1'); key, path, object and metadata are 32-byte bytea of SHA-256
///   meta(name PK, value)                              'schema' -> '1'
///   actions(key PK, stage)                            an action recorded by some build, of the stage (its id)
///   outputs(action, ord, path, object, size, metadata) its outputs, PK (action, ord); path = the object holding the
///                                                     output's path as UTF-8 text (in the shared store), never the text
/// </code>
/// Columns hold hashes and stage ids only: no path, no content, nothing a patient could be found by. A database of
/// another schema version is refused (never changed), since other machines' DataForge may still read it. Writers
/// insert with <c>ON CONFLICT DO NOTHING</c>, an action and its outputs in one transaction, so several builds at once
/// never corrupt it and a reader never sees an action without its outputs (same key, same outputs: the first write wins).
/// </summary>
public sealed class PostgresActionCache : IActionCache
{
    /// <summary>The schema this code reads and writes.</summary>
    public const int SchemaVersion = 1;

    private const int KeysPerQuery = 1000;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS actions(key bytea PRIMARY KEY, stage text NOT NULL);
        CREATE TABLE IF NOT EXISTS outputs(action bytea NOT NULL REFERENCES actions(key), ord integer NOT NULL, path bytea NOT NULL,
            object bytea NOT NULL, size bigint NOT NULL, metadata bytea NOT NULL, PRIMARY KEY(action, ord));
        """;

    private readonly NpgsqlConnectionStringBuilder _target;
    private NpgsqlDataSource? _source;
    private readonly Lock _sourceGate = new();
    private readonly Lock _gate = new();
    private readonly List<(ContentHash Key, string Stage, IReadOnlyList<CachedOutput> Outputs)> _queue = [];
    private bool _opened;

    private PostgresActionCache(NpgsqlConnectionStringBuilder target, string where)
    {
        _target = target;
        Where = where;
    }

    public string Where { get; }

    /// <summary>
    /// A cache on the database a <c>postgres://USER@HOST[:PORT]/DATABASE</c> URL names (HOST may be a Unix socket
    /// folder, percent-encoded or as <c>?host=/folder</c>), logging in with <paramref name="password"/> (never in the
    /// URL). Connects on first use (a build with nothing to look up never loads the driver). Throws <see cref="ActionCacheException"/> for a URL it cannot read.
    /// </summary>
    public static PostgresActionCache Create(string url, string? password)
    {
        var target = PostgresUrl.Parse(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = target.Host,
            Port = target.Port,
            Database = target.Database,
            Username = target.User,
            Password = password,
            Timeout = 15,
            CommandTimeout = 300,
            // Builds of different projects share the server: a handful of connections each.
            MaxPoolSize = 8,
            ApplicationName = "dataforge",
        };
        return new PostgresActionCache(builder, $"postgres {target.Host}/{target.Database}");
    }

    public void Open()
    {
        lock (_gate)
        {
            if (_opened) return;
            Run(connection =>
            {
                // A cache made before: its version is read, nothing is written (a role with SELECT and INSERT only, and
                // `status`, which writes nothing, need no more).
                if (SchemaOf(connection, null) is { } found)
                {
                    Check(found);
                    return;
                }
                using var transaction = connection.BeginTransaction();
                // Two first builds at once: one creates the schema, the other waits and finds it.
                Execute(connection, transaction, "SELECT pg_advisory_xact_lock(7271003116)");
                Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS meta(name text PRIMARY KEY, value text NOT NULL)");
                if (SchemaOf(connection, transaction) is { } schema) Check(schema);
                Execute(connection, transaction, Schema);
                Execute(connection, transaction, $"INSERT INTO meta(name, value) VALUES ('schema', '{SchemaVersion}') ON CONFLICT DO NOTHING");
                transaction.Commit();
            });
            _opened = true;
        }
    }

    /// <summary>The schema version the database records, or null when it has no meta table or no version yet.</summary>
    private static string? SchemaOf(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass('meta') IS NOT NULL", connection, transaction))
            if (exists.ExecuteScalar() is not true) return null;
        using var read = new NpgsqlCommand("SELECT value FROM meta WHERE name='schema'", connection, transaction);
        return read.ExecuteScalar() as string;
    }

    private void Check(string schema)
    {
        if (schema != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw new ActionCacheException(
                $"the shared action cache ({Where}) has schema version {schema}, and this DataForge reads version {SchemaVersion} only: " +
                "update DataForge on this machine, or give this version a database of its own in state:");
    }

    public IReadOnlyDictionary<ContentHash, IReadOnlyList<CachedOutput>> Find(IReadOnlyCollection<ContentHash> keys)
    {
        Open();
        var found = new Dictionary<ContentHash, IReadOnlyList<CachedOutput>>();
        if (keys.Count == 0) return found;
        Run(connection =>
        {
            foreach (var chunk in keys.Distinct().Chunk(KeysPerQuery))
            {
                // An action with no output has one row with NULLs (the LEFT JOIN), so that it is found too.
                using var command = new NpgsqlCommand("""
                    SELECT a.key, o.ord, o.path, o.object, o.size, o.metadata FROM actions a
                    LEFT JOIN outputs o ON o.action = a.key WHERE a.key = ANY($1) ORDER BY a.key, o.ord
                    """, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(k => k.ToDigest()).ToArray() });
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var key = HashAt(reader, 0);
                    if (!found.TryGetValue(key, out var list)) found[key] = list = new List<CachedOutput>();
                    if (reader.IsDBNull(1)) continue;
                    ((List<CachedOutput>)list).Add(new CachedOutput(HashAt(reader, 2), HashAt(reader, 3), reader.GetInt64(4), HashAt(reader, 5)));
                }
            }
        });
        return found;
    }

    public void Record(ContentHash key, string stageId, IReadOnlyList<CachedOutput> outputs)
    {
        lock (_queue) _queue.Add((key, stageId, outputs));
    }

    public void Flush(Action? beforeWrite = null)
    {
        List<(ContentHash Key, string Stage, IReadOnlyList<CachedOutput> Outputs)> batch;
        lock (_queue)
        {
            if (_queue.Count == 0) return;
            batch = [.. _queue];
            _queue.Clear();
        }
        beforeWrite?.Invoke();
        // In key order: two builds that write overlapping keys take their row locks in one order, so neither waits
        // for the other in a cycle (a deadlock PostgreSQL would break by failing one of them).
        batch.Sort((x, y) => x.Key.CompareTo(y.Key));
        Open();
        Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            using var writes = new NpgsqlBatch(connection, transaction);
            foreach (var (key, stage, outputs) in batch)
            {
                var k = key.ToDigest();
                writes.BatchCommands.Add(Command("INSERT INTO actions(key, stage) VALUES ($1, $2) ON CONFLICT DO NOTHING", k, stage));
                for (var i = 0; i < outputs.Count; i++)
                {
                    var o = outputs[i];
                    writes.BatchCommands.Add(Command("""
                        INSERT INTO outputs(action, ord, path, object, size, metadata) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
                        """, k, i, o.PathObject.ToDigest(), o.Object.ToDigest(), o.Size, o.Metadata.ToDigest()));
                }
            }
            writes.ExecuteNonQuery();
            transaction.Commit();
        });
    }

    public void Dispose()
    {
        lock (_sourceGate) _source?.Dispose();
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static ContentHash HashAt(NpgsqlDataReader reader, int column) => ContentHash.FromDigest((byte[])reader.GetValue(column));

    /// <summary>Runs <paramref name="work"/> on a pooled connection; a server that cannot be reached or refuses becomes an <see cref="ActionCacheException"/>.</summary>
    private void Run(Action<NpgsqlConnection> work)
    {
        try
        {
            NpgsqlDataSource source;
            lock (_sourceGate) source = _source ??= NpgsqlDataSource.Create(_target);
            using var connection = source.OpenConnection();
            work(connection);
        }
        catch (PostgresException e)
        {
            throw new ActionCacheException(e.SqlState switch
            {
                "28P01" or "28000" => $"the shared action cache ({Where}) refused the login: check the user in state: and the password it names",
                "3D000" => $"the shared action cache ({Where}): the database does not exist; create it (createdb) or fix state:",
                "42501" => $"the shared action cache ({Where}): the user may not read or write its tables (SQLSTATE 42501)",
                _ => $"the shared action cache ({Where}) answered with an error (SQLSTATE {e.SqlState})",
            }, e);
        }
        catch (NpgsqlException e)
        {
            var reason = e.InnerException switch
            {
                SocketException s => s.SocketErrorCode.ToString(),
                TimeoutException => "timed out",
                _ => e.GetType().Name,
            };
            throw new ActionCacheException($"the shared action cache ({Where}) cannot be reached ({reason}): is the server running, and is state: right?", e);
        }
        catch (TimeoutException e)
        {
            throw new ActionCacheException($"the shared action cache ({Where}) cannot be reached (timed out): is the server running, and is state: right?", e);
        }
    }
}
