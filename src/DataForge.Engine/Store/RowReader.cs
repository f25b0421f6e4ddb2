using DataForge.Engine.Hashing;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DataForge.Engine.Store;

/// <summary>
/// One SELECT stepped through SQLite's own API (SQLitePCLRaw, under Microsoft.Data.Sqlite) for the loads that
/// read a row per file, slot or output. A hash column is read in place as a span: Microsoft.Data.Sqlite's
/// GetBytes cost about 13 µs a call (a no-op build of 20,400 files spent 0.26 s reading its stat cache), and
/// its reader about 1 µs per row more than stepping the statement. Parameters bind by position (?1, ?2, …
/// or $names in order of first appearance). The caller holds the database's gate.
/// </summary>
internal sealed class RowReader : IDisposable
{
    private readonly sqlite3_stmt _statement;

    public RowReader(SqliteConnection connection, string sql, params ReadOnlySpan<object> parameters)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("state.db is not open");
        var prepared = raw.sqlite3_prepare_v2(handle, sql, out _statement);
        try
        {
            Check(handle, prepared);
            for (var i = 0; i < parameters.Length; i++)
            {
                var rc = parameters[i] switch
                {
                    string text => raw.sqlite3_bind_text(_statement, i + 1, text),
                    byte[] blob => raw.sqlite3_bind_blob(_statement, i + 1, blob),
                    long number => raw.sqlite3_bind_int64(_statement, i + 1, number),
                    int number => raw.sqlite3_bind_int(_statement, i + 1, number),
                    _ => throw new ArgumentException($"cannot bind a {parameters[i].GetType().Name}", nameof(parameters)),
                };
                Check(handle, rc);
            }
        }
        catch
        {
            // The constructor throws, so no caller can dispose it: the statement is finalised here.
            _statement?.Dispose();
            throw;
        }
        Handle = handle;
    }

    private sqlite3 Handle { get; }

    /// <summary>Moves to the next row; false after the last.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        Check(Handle, rc);
        return false;
    }

    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>A TEXT column's UTF-8 bytes in place (valid until the next <see cref="Read"/>), with no string made.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(_statement, column);

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public int Int32(int column) => raw.sqlite3_column_int(_statement, column);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public bool IsBlob(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_BLOB;

    /// <summary>A 32-byte hash column (schema 2 stores every digest as a BLOB).</summary>
    public ContentHash Hash(int column)
    {
        var digest = raw.sqlite3_column_blob(_statement, column);
        return digest.Length == 32
            ? ContentHash.FromDigest(digest)
            : throw new FormatException("state.db holds a hash that is not 32 bytes");
    }

    /// <summary>A hash column as the hex text the store names objects by.</summary>
    public string HashHex(int column) => Convert.ToHexStringLower(raw.sqlite3_column_blob(_statement, column));

    public void Dispose() => _statement.Dispose();

    private static void Check(sqlite3 handle, int rc)
    {
        if (rc != raw.SQLITE_OK) throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(handle).utf8_to_string()}'.", rc);
    }
}
