using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;
using Microsoft.Data.Sqlite;

namespace DataForge.Engine.Store;

/// <summary>
/// The engine's memory between builds: <c>.dataforge/state.db</c>, SQLite in WAL mode.
/// <code>
/// schema 3 (meta.schema = '3'); content hashes, action keys and definition/input hashes (hash, key, action,
/// object, metadata, config, inputs) are 32-byte BLOBs of SHA-256; slot and output-path hashes are 64 hex digits
/// (schema 1 stored every hash as hex TEXT, schema 2 no output-file stat: an older database is moved aside and rebuilt
/// like any unknown version)
///   meta(name PK, value)                               'schema' -> '1'; 'names' -> index object of the output path names' shards (see PathNames);
///                                                       'clean' -> '0' while a build has it open (then the next open runs quick_check);
///                                                       'fingerprint', 'fingerprint-totals' -> see Building/BuildFingerprint;
///                                                       'output-root' -> the folder the materialised rows are in;
///                                                       'output-state-root' -> the .dataforge/ that wrote the materialised rows (a copied project reads another's);
///                                                       'objects' -> the objects folder the actions' objects are in: 'private' (.dataforge/objects) or a shared store's path (see BuildEngine.AdoptStore)
///   files(source, path, size, mtime_ns, inode, hash)   stat cache, PK (source, path); path is source-relative
///   actions(key PK, stage)                              an action whose every output object exists
///   outputs(action, ord, path, object, size, metadata)  outputs of an action, PK (action, ord); path = hash of the
///                                                       output path (PathNames); metadata = hash of its JSON object
///   slots(stage, slot, action, version, config, inputs) last action per slot, PK (stage, slot); slot = hash of the item, group or dataset
///   group_keys(metadata, property, key)                 hash of a metadata object's property value ('' when absent)
///   materialised(path PK, object, size, inode, mtime_ns, kind, done)
///                                                       what the output folder holds (path hash); done = 0 while
///                                                       being written (recorded first, so a crash never leaves an unknown file);
///                                                       inode, mtime_ns = the file's stat once made; kind = FileSystem.MaterialisedAs
///   roots(name, object)                                 objects kept by gc for a named root (a release), PK (name, object)
/// </code>
/// Text columns hold hashes, stage ids and source-relative paths only, never file content (output
/// paths, which stages may derive from content, are stored as hashes). A database that
/// cannot be read or has another schema is not trusted: it is moved aside and rebuilt (the build
/// then re-hashes and re-runs, reusing objects already in the store). One connection per build; the
/// type serialises its callers and batches writes into transactions. An action is recorded only
/// after its objects are on disk, so a crash loses at most unrecorded work.
/// </summary>
public sealed class StateDatabase : IDisposable
{
    /// <summary>The schema this code reads and writes.</summary>
    public const int SchemaVersion = 3;

    private const int WritesPerTransaction = 512;

    private const string Schema = """
        CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE files(source TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY(source, path)) WITHOUT ROWID;
        CREATE TABLE actions(key BLOB PRIMARY KEY, stage TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE outputs(action BLOB NOT NULL, ord INTEGER NOT NULL, path TEXT NOT NULL, object BLOB NOT NULL,
            size INTEGER NOT NULL, metadata BLOB NOT NULL, PRIMARY KEY(action, ord)) WITHOUT ROWID;
        CREATE TABLE slots(stage TEXT NOT NULL, slot TEXT NOT NULL, action BLOB NOT NULL, version INTEGER NOT NULL,
            config BLOB NOT NULL, inputs BLOB NOT NULL, PRIMARY KEY(stage, slot)) WITHOUT ROWID;
        CREATE TABLE group_keys(metadata BLOB NOT NULL, property TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY(metadata, property)) WITHOUT ROWID;
        CREATE TABLE materialised(path TEXT PRIMARY KEY, object BLOB NOT NULL, size INTEGER NOT NULL, inode INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL, kind INTEGER NOT NULL, done INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE roots(name TEXT NOT NULL, object BLOB NOT NULL, PRIMARY KEY(name, object)) WITHOUT ROWID;
        INSERT INTO meta(name, value) VALUES ('schema', '3');
        """;

    private static readonly string[] Tables = ["meta", "files", "actions", "outputs", "slots", "group_keys", "materialised", "roots"];

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;
    private int _pendingWrites;

    private long _rowsRead;

    private StateDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// Rows of the slot, action and group-key tables read through this connection so far: planning that
    /// is O(changed) reads a few per changed item, not one per item (tests count it).
    /// </summary>
    public long RowsRead
    {
        get { lock (_gate) return _rowsRead; }
    }

    private long _actionLookups;

    /// <summary>Calls of <see cref="FindAction"/> through this connection so far (tests count them).</summary>
    public long ActionLookups
    {
        get { lock (_gate) return _actionLookups; }
    }

    private PathNames? _names;
    private Func<PathNames>? _loadNames;

    /// <summary>
    /// Output path names: read from the store (see <see cref="LoadNames"/>) on first use, since a build
    /// that finds no output by path (a no-op, or a stage nobody reads) never needs them, and at 100,000
    /// outputs they cost a second and a hundred megabytes to parse. Empty when none were loaded.
    /// </summary>
    public PathNames Names
    {
        get
        {
            lock (_gate)
            {
                if (_names is null)
                {
                    _names = _loadNames?.Invoke() ?? new PathNames();
                    _loadNames = null;
                }
                return _names;
            }
        }
    }

    /// <summary>Points the output path names at the store object that meta.names names (a missing or unreadable one gives no names); read on first use.</summary>
    public void LoadNames(ObjectStore objects)
    {
        lock (_gate)
        {
            var hex = ScalarText("SELECT value FROM meta WHERE name='names'");
            _names = null;
            _loadNames = hex.Length != 64 ? null : () =>
            {
                var bytes = objects.TryRead(ContentHash.Parse(hex));
                return (bytes is null ? null : PathNames.Load(bytes, objects.TryRead)) ?? new PathNames();
            };
        }
    }

    /// <summary>Saves the names (when changed: the changed shards, then the index) as store objects, durable, then points meta.names at the index and commits.</summary>
    public void SaveNames(ObjectStore objects)
    {
        lock (_gate)
        {
            // Never read, never changed.
            if (_names is not { Changed: true }) return;
        }
        var hash = Names.Save(bytes => objects.Put(bytes));
        Write("INSERT OR REPLACE INTO meta(name, value) VALUES ('names', $v)", ("$v", hash.Hex));
        Commit();
    }

    /// <summary>
    /// Opens (creating when needed) the database. One that cannot be read, lacks a table or has
    /// another schema version is moved aside and replaced by an empty one; <paramref name="notice"/>
    /// then says so, for the user.
    /// </summary>
    public static StateDatabase Open(StateDatabaseLocation location, out string? notice) => Open(location, out notice, readOnly: false);

    /// <summary>
    /// <see cref="Open(StateDatabaseLocation, out string?)"/>; <paramref name="readOnly"/> (status) reads in a deferred
    /// transaction, which a build in flight (a cluster build holds its write transaction for hours) does not block.
    /// </summary>
    public static StateDatabase Open(StateDatabaseLocation location, out string? notice, bool readOnly)
    {
        notice = null;
        var problem = Probe(location);
        if (problem is not null)
        {
            var aside = location.MoveAside();
            notice = $"state.db was not trusted ({problem}); moved aside to {aside} and rebuilt: files are re-hashed, work already in the store is reused";
        }
        var connection = new SqliteConnection(location.ConnectionString);
        connection.Open();
        var db = new StateDatabase(connection) { _deferred = readOnly };
        // mmap: loading a stage's slots and outputs probes pages all over a file far larger than SQLite's
        // 2 MB default page cache; mapped, they are read without a pread each (a build with one changed input
        // of 20,000: 5.6 s -> 4.0 s). Only pages touched count towards resident memory (see Unmapped).
        db._mapped = location.IsFile;
        db.Execute(location.IsFile ? $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size={MapSize};" : "PRAGMA synchronous=OFF;");
        if (db.ScalarText("SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='meta'") == "0")
            db.Execute(Schema);
        db.Begin();
        return db;
    }

    /// <summary>Why the database at a location cannot be trusted, or null (also when it does not exist yet).</summary>
    public static string? Probe(StateDatabaseLocation location)
    {
        try
        {
            using var connection = new SqliteConnection(location.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_schema WHERE type='table'";
            var tables = new HashSet<string>(StringComparer.Ordinal);
            using (var reader = command.ExecuteReader())
                while (reader.Read()) tables.Add(reader.GetString(0));
            if (tables.Count == 0) return null;
            var missing = Tables.FirstOrDefault(t => !tables.Contains(t));
            if (missing is not null) return $"table '{missing}' is missing";
            command.CommandText = "SELECT value FROM meta WHERE name='schema'";
            var version = command.ExecuteScalar() as string;
            if (version != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                return $"schema version '{version ?? "none"}' is not {SchemaVersion}";
            // A full check costs a read of the whole file: only after a build that did not close it.
            command.CommandText = "SELECT value FROM meta WHERE name='clean'";
            if (command.ExecuteScalar() as string != "0") return null;
            command.CommandText = "PRAGMA quick_check(1)";
            var check = command.ExecuteScalar() as string;
            return check == "ok" ? null : "SQLite quick_check failed";
        }
        catch (SqliteException e)
        {
            return $"SQLite error {e.SqliteErrorCode}: {e.Message.Split('\n')[0]}";
        }
    }

    /// <summary>Bytes of state.db SQLite maps for reading (PRAGMA mmap_size).</summary>
    private const long MapSize = 256L << 20;

    private bool _mapped;

    /// <summary>
    /// Unmaps state.db until the returned scope ends, then maps it again: for a stage's actions, whose rows go into
    /// B-trees keyed by hashes, so each insert reads pages all over the file. Mapped, every page an insert touched
    /// stayed resident (at 100,000 files about 80 MB of a first build's peak); unmapped, they are read into
    /// SQLite's own page cache (2 MB) and the mapped pages of earlier reads are let go at once. Reading phases
    /// (the stat cache, a stage's slots) keep the map.
    /// </summary>
    public IDisposable Unmapped()
    {
        lock (_gate)
        {
            if (!_mapped) return NoScope.Instance;
            SetMapSize(0);
            _mapped = false;
        }
        return new MapScope(this);
    }

    private void SetMapSize(long bytes)
    {
        // Inside the open transaction (Microsoft.Data.Sqlite asks every command on the connection to name it); SQLite
        // remaps at once when no mapped page is in use, which is so between statements.
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = $"PRAGMA mmap_size={bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        command.ExecuteNonQuery();
    }

    private sealed class MapScope(StateDatabase db) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            lock (db._gate)
            {
                if (_done) return;
                _done = true;
                db.SetMapSize(MapSize);
                db._mapped = true;
            }
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose() { }
    }

    // ---- stat cache ------------------------------------------------------------------------

    /// <summary>Every stat-cache row of a source, by source-relative path (see <see cref="Indexing.StatCache"/>: no string or object per row).</summary>
    internal Indexing.StatCache LoadStatCache(string source)
    {
        var rows = new Indexing.StatCache();
        lock (_gate)
        {
            using var reader = Rows("SELECT path, size, mtime_ns, inode, hash FROM files WHERE source=?1", source);
            while (reader.Read())
                rows.Add(reader.Bytes(0), new FileStat(reader.Int64(1), reader.Int64(2), reader.Int64(3)), reader.Hash(4));
        }
        rows.Seal();
        return rows;
    }

    public void PutFile(string source, string path, FileRecord record) => Write(
        "INSERT OR REPLACE INTO files(source, path, size, mtime_ns, inode, hash) VALUES ($s, $p, $z, $m, $i, $h)",
        ("$s", source), ("$p", path), ("$z", record.Stat.Size), ("$m", record.Stat.MtimeNs), ("$i", record.Stat.Inode), ("$h", Blob(record.Hash)));

    public void DeleteFile(string source, string path) =>
        Write("DELETE FROM files WHERE source=$s AND path=$p", ("$s", source), ("$p", path));

    /// <summary>Drops the stat cache of every source not named (a source removed from the pipeline).</summary>
    public void KeepOnlySources(IReadOnlyCollection<string> sources)
    {
        foreach (var source in DistinctKeyPrefixes("files", "source"))
            if (!sources.Contains(source)) Write("DELETE FROM files WHERE source=$s", ("$s", source));
    }

    // ---- actions and slots ------------------------------------------------------------------

    /// <summary>Every slot of a stage.</summary>
    public Dictionary<string, SlotRecord> LoadSlots(string stage)
    {
        var rows = new Dictionary<string, SlotRecord>(StringComparer.Ordinal);
        lock (_gate)
        {
            using var reader = Rows("SELECT slot, action, version, config, inputs FROM slots WHERE stage=?1", stage);
            while (reader.Read())
                rows[reader.Text(0)] = new SlotRecord(reader.Hash(1), reader.Int32(2), reader.Hash(3), reader.Hash(4));
            _rowsRead += rows.Count;
        }
        return rows;
    }

    /// <summary>One slot of a stage, or null.</summary>
    public SlotRecord? FindSlot(string stage, string slot)
    {
        lock (_gate)
        {
            using var reader = Rows("SELECT action, version, config, inputs FROM slots WHERE stage=?1 AND slot=?2", stage, slot);
            if (!reader.Read()) return null;
            _rowsRead++;
            return new SlotRecord(reader.Hash(0), reader.Int32(1), reader.Hash(2), reader.Hash(3));
        }
    }

    /// <summary>The slot names of a stage (no records): enough to find the slots no current item names.</summary>
    public HashSet<string> LoadSlotNames(string stage)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            using var reader = Rows("SELECT slot FROM slots WHERE stage=?1", stage);
            while (reader.Read()) names.Add(reader.Text(0));
            _rowsRead += names.Count;
        }
        return names;
    }

    /// <summary>The outputs of every recorded action that a slot of the stage points at, by action key.</summary>
    public Dictionary<ContentHash, List<OutputRecord>> LoadOutputsOfSlots(string stage)
    {
        var rows = new Dictionary<ContentHash, List<OutputRecord>>();
        lock (_gate)
        {
            // Driven by the slots (primary key prefix), outputs probed by their primary key: rows of one
            // action come in ord order; an action two slots share comes twice and is kept once.
            using var reader = Rows("""
                SELECT s.action, o.ord, o.path, o.object, o.size, o.metadata FROM slots s
                JOIN actions a ON a.key = s.action
                LEFT JOIN outputs o ON o.action = s.action
                WHERE s.stage=?1
                """, stage);
            var unnamed = new HashSet<ContentHash>();
            while (reader.Read())
            {
                _rowsRead++;
                var key = reader.Hash(0);
                if (!rows.TryGetValue(key, out var list)) rows[key] = list = [];
                if (reader.IsNull(1) || reader.Int32(1) != list.Count) continue;
                if (ReadOutput(reader, 2) is { } output) list.Add(output);
                else unnamed.Add(key);
            }
            foreach (var key in unnamed) rows.Remove(key);
        }
        return rows;
    }

    /// <summary>
    /// True when any action of the stage is recorded (an action key covers its stage id, so a stage with none, as in
    /// a first build, can find no key: it looks none up). Stops at the first; a stage with none reads the table once.
    /// </summary>
    public bool HasActions(string stage)
    {
        lock (_gate)
        {
            using var reader = Rows("SELECT 1 FROM actions WHERE stage=?1 LIMIT 1", stage);
            return reader.Read();
        }
    }

    /// <summary>The outputs of a recorded action, or null when the action is not recorded.</summary>
    public List<OutputRecord>? FindAction(ContentHash key)
    {
        lock (_gate)
        {
            _actionLookups++;
            var blob = Blob(key);
            using (var exists = Rows("SELECT 1 FROM actions WHERE key=?1", blob))
                if (!exists.Read()) return null;
            using var reader = Rows("SELECT path, object, size, metadata FROM outputs WHERE action=?1 ORDER BY ord", blob);
            var list = new List<OutputRecord>();
            _rowsRead++;
            while (reader.Read())
            {
                _rowsRead++;
                if (ReadOutput(reader, 0) is not { } output) return null; // its path's name was lost: run it again
                list.Add(output);
            }
            return list;
        }
    }

    /// <summary>Records an action whose output and metadata objects are already durable in the store.</summary>
    public void RecordAction(ContentHash key, string stage, IReadOnlyList<OutputRecord> outputs)
    {
        lock (_gate)
        {
            var blob = Blob(key);
            Write("DELETE FROM outputs WHERE action=$k", ("$k", blob));
            for (var i = 0; i < outputs.Count; i++)
                Write("INSERT INTO outputs(action, ord, path, object, size, metadata) VALUES ($k, $o, $p, $b, $z, $m)",
                    ("$k", blob), ("$o", i), ("$p", Names.Add(outputs[i].Path)), ("$b", Blob(outputs[i].Object)), ("$z", outputs[i].Size), ("$m", Blob(outputs[i].Metadata)));
            Write("INSERT OR REPLACE INTO actions(key, stage) VALUES ($k, $s)", ("$k", blob), ("$s", stage));
        }
    }

    /// <summary>Forgets an action (its objects went missing from the store).</summary>
    public void ForgetAction(ContentHash key)
    {
        lock (_gate)
        {
            var blob = Blob(key);
            Write("DELETE FROM outputs WHERE action=$k", ("$k", blob));
            Write("DELETE FROM actions WHERE key=$k", ("$k", blob));
        }
    }

    /// <summary>Forgets every action that made <paramref name="obj"/> as an output's content or metadata (the object was found damaged).</summary>
    public void ForgetActionsMaking(ContentHash obj)
    {
        lock (_gate)
        {
            var blob = Blob(obj);
            Write("DELETE FROM actions WHERE key IN (SELECT action FROM outputs WHERE object=$o OR metadata=$o)", ("$o", blob));
            Write("DELETE FROM outputs WHERE action NOT IN (SELECT key FROM actions)");
        }
    }

    /// <summary>Names of the gc roots (releases) that hold <paramref name="obj"/>.</summary>
    public List<string> RootsHolding(ContentHash obj)
    {
        lock (_gate)
        {
            var names = new List<string>();
            using var reader = Rows("SELECT name FROM roots WHERE object=?1 ORDER BY name", Blob(obj));
            while (reader.Read()) names.Add(reader.Text(0));
            return names;
        }
    }

    public void PutSlot(string stage, string slot, SlotRecord record) => Write(
        "INSERT OR REPLACE INTO slots(stage, slot, action, version, config, inputs) VALUES ($s, $l, $a, $v, $c, $i)",
        ("$s", stage), ("$l", slot), ("$a", Blob(record.Action)), ("$v", record.Version), ("$c", Blob(record.Config)), ("$i", Blob(record.Inputs)));

    public void DeleteSlot(string stage, string slot) =>
        Write("DELETE FROM slots WHERE stage=$s AND slot=$l", ("$s", stage), ("$l", slot));

    /// <summary>Drops the slots of every stage not named (a stage removed from the pipeline).</summary>
    public void KeepOnlyStages(IReadOnlyCollection<string> stages)
    {
        foreach (var stage in DistinctKeyPrefixes("slots", "stage"))
            if (!stages.Contains(stage)) Write("DELETE FROM slots WHERE stage=$s", ("$s", stage));
    }

    // ---- group keys --------------------------------------------------------------------------

    /// <summary>Known group-key hashes of metadata objects for one property ('' = property absent).</summary>
    public Dictionary<ContentHash, string> LoadGroupKeys(string property)
    {
        var rows = new Dictionary<ContentHash, string>();
        lock (_gate)
        {
            using var reader = Rows("SELECT metadata, key FROM group_keys WHERE property=?1", property);
            while (reader.Read()) rows[reader.Hash(0)] = reader.Text(1);
            _rowsRead += rows.Count;
        }
        return rows;
    }

    public void PutGroupKey(ContentHash metadata, string property, string keyHash) => Write(
        "INSERT OR REPLACE INTO group_keys(metadata, property, key) VALUES ($m, $p, $k)", ("$m", Blob(metadata)), ("$p", property), ("$k", keyHash));

    // ---- output folder and gc roots ----------------------------------------------------------

    /// <summary>
    /// What the output folder holds (or was being given when a build stopped), by output-relative
    /// path. A row whose path name is unknown cannot be acted on and is skipped.
    /// </summary>
    public Dictionary<string, MaterialisedRecord> LoadMaterialised()
    {
        var rows = new Dictionary<string, MaterialisedRecord>(StringComparer.Ordinal);
        lock (_gate)
        {
            using var reader = Rows("SELECT path, object, size, inode, mtime_ns, kind, done FROM materialised");
            while (reader.Read())
                if (Names.Find(reader.Text(0)) is { } path)
                    rows[path] = new MaterialisedRecord(reader.Hash(1), reader.Int64(2), reader.Int64(3), reader.Int64(4),
                        (FileSystem.MaterialisedAs)reader.Int64(5), reader.Int64(6) != 0);
        }
        return rows;
    }

    /// <summary>Records an output file; its name must already be saved (<see cref="SaveNames"/>) so a crash cannot orphan it.</summary>
    public void PutMaterialised(string path, MaterialisedRecord record) =>
        Write("INSERT OR REPLACE INTO materialised(path, object, size, inode, mtime_ns, kind, done) VALUES ($p, $o, $z, $i, $m, $k, $d)",
            ("$p", Names.Add(path)), ("$o", Blob(record.Object)), ("$z", record.Size), ("$i", record.Inode), ("$m", record.MtimeNs),
            ("$k", (long)record.As), ("$d", record.Done ? 1 : 0));

    public void DeleteMaterialised(string path) => Write("DELETE FROM materialised WHERE path=$p", ("$p", PathNames.HashOf(path)));

    /// <summary>Hashes of the output paths still referenced (by any recorded action or the output folder).</summary>
    public HashSet<string> ReferencedPathHashes() =>
        new(DistinctColumn("SELECT path FROM outputs UNION SELECT path FROM materialised"), StringComparer.Ordinal);

    /// <summary>Makes a named root keep exactly these objects (a release registers its files here).</summary>
    public void SetRoot(string name, IEnumerable<ContentHash> objects)
    {
        lock (_gate)
        {
            Write("DELETE FROM roots WHERE name=$n", ("$n", name));
            foreach (var obj in objects.Distinct())
                Write("INSERT INTO roots(name, object) VALUES ($n, $o)", ("$n", name), ("$o", Blob(obj)));
            Commit();
        }
    }

    public void RemoveRoot(string name)
    {
        lock (_gate)
        {
            Write("DELETE FROM roots WHERE name=$n", ("$n", name));
            Commit();
        }
    }

    /// <summary>Adds objects to a named root (creating it), keeping those it holds.</summary>
    public void AddToRoot(string name, IEnumerable<ContentHash> objects)
    {
        lock (_gate)
        {
            foreach (var obj in objects.Distinct())
                Write("INSERT OR IGNORE INTO roots(name, object) VALUES ($n, $o)", ("$n", name), ("$o", Blob(obj)));
            Commit();
        }
    }

    /// <summary>Every object some registered root keeps (each once).</summary>
    public IReadOnlyList<ContentHash> RootObjects()
    {
        var objects = new List<ContentHash>();
        lock (_gate)
        {
            using var reader = Rows("SELECT DISTINCT object FROM roots ORDER BY object");
            while (reader.Read()) objects.Add(reader.Hash(0));
        }
        return objects;
    }

    /// <summary>Names of the registered roots.</summary>
    public IReadOnlyList<string> RootNames() => DistinctColumn("SELECT DISTINCT name FROM roots ORDER BY name");

    /// <summary>
    /// Objects that must survive gc: outputs and metadata of the actions the current slots point at,
    /// what the output folder holds, every root's objects and the output path names' index (hex, as the store
    /// names them; the names' shards are <see cref="PathNames.StoredShards"/>).
    /// </summary>
    public HashSet<string> LiveObjects() => new(DistinctColumn("""
        SELECT o.object FROM outputs o JOIN slots s ON s.action = o.action
        UNION SELECT o.metadata FROM outputs o JOIN slots s ON s.action = o.action
        UNION SELECT object FROM materialised
        UNION SELECT object FROM roots
        UNION SELECT value FROM meta WHERE name='names'
        """), StringComparer.Ordinal);

    /// <summary>
    /// What this project holds in a shared store (see <see cref="SharedStore"/>), hex: the <see cref="LiveObjects"/>, the
    /// output path names' shards, the content and metadata of every recorded action (a recorded action is served
    /// again, so its objects must outlive another project's gc) and, when <paramref name="pathObjects"/>, the objects
    /// holding its outputs' paths as text (what a shared action cache names them by).
    /// </summary>
    public HashSet<string> SharedRoots(bool pathObjects)
    {
        var roots = LiveObjects();
        roots.UnionWith(Names.StoredShards.Select(shard => shard.Hex));
        roots.UnionWith(DistinctColumn("SELECT object FROM outputs UNION SELECT metadata FROM outputs"));
        if (pathObjects)
            foreach (var hash in DistinctColumn("SELECT DISTINCT path FROM outputs"))
                if (Names.Find(hash) is { } path) roots.Add(ContentHash.Of(System.Text.Encoding.UTF8.GetBytes(path)).Hex);
        return roots;
    }

    /// <summary>True when any action is recorded.</summary>
    public bool HasAnyAction()
    {
        lock (_gate)
        {
            using var reader = Rows("SELECT 1 FROM actions LIMIT 1");
            return reader.Read();
        }
    }

    /// <summary>
    /// Forgets every record that names an object of the store (actions, their outputs, slots, the stage memos, the
    /// no-op fingerprint and the path names' index), for a store that moved; keeps the stat cache, the output folder's
    /// records and the roots. Returns the objects the roots hold, to bring them along.
    /// </summary>
    public IReadOnlyList<ContentHash> ForgetObjectRecords()
    {
        lock (_gate)
        {
            Write("DELETE FROM outputs");
            Write("DELETE FROM actions");
            Write("DELETE FROM slots");
            Write("DELETE FROM meta WHERE name IN ('fingerprint', 'fingerprint-totals', 'names') OR substr(name, 1, 13) = 'stage-inputs:'");
            _names = new PathNames();
            _loadNames = null;
            Commit();
        }
        return RootObjects();
    }

    /// <summary>Forgets every action no slot points at (their objects are about to be collected); returns how many.</summary>
    public int ForgetUnreferencedActions()
    {
        lock (_gate)
        {
            Write("DELETE FROM outputs WHERE action NOT IN (SELECT action FROM slots)");
            using var command = Command("DELETE FROM actions WHERE key NOT IN (SELECT action FROM slots)");
            command.Transaction = _transaction;
            var n = command.ExecuteNonQuery();
            Write("DELETE FROM group_keys WHERE metadata NOT IN (SELECT metadata FROM outputs)");
            Commit();
            return n;
        }
    }

    // ---- transactions ------------------------------------------------------------------------

    /// <summary>A meta value, or null.</summary>
    public string? GetMeta(string name)
    {
        lock (_gate)
        {
            using var command = Command("SELECT value FROM meta WHERE name=$n", ("$n", name));
            return command.ExecuteScalar() as string;
        }
    }

    public void SetMeta(string name, string value) =>
        Write("INSERT OR REPLACE INTO meta(name, value) VALUES ($n, $v)", ("$n", name), ("$v", value));

    public void DeleteMeta(string name) => Write("DELETE FROM meta WHERE name=$n", ("$n", name));

    /// <summary>Deletes every meta value whose name starts with <paramref name="prefix"/>.</summary>
    public void DeleteMetaStartingWith(string prefix) =>
        Write("DELETE FROM meta WHERE substr(name, 1, length($p)) = $p", ("$p", prefix));

    /// <summary>Marks the database as held by a build until <see cref="MarkClean"/>, so an interrupted build triggers a check on the next open.</summary>
    public void MarkInUse() => SetClean("0");

    /// <summary>Marks a build's end: the next open skips the integrity check.</summary>
    public void MarkClean() => SetClean("1");

    private void SetClean(string value)
    {
        Write("INSERT OR REPLACE INTO meta(name, value) VALUES ('clean', $v)", ("$v", value));
        Commit();
    }

    /// <summary>Called before each commit: makes objects written so far durable, so a recorded action never outlives its objects.</summary>
    public Action? BeforeCommit { get; set; }

    /// <summary>Commits pending writes.</summary>
    public void Commit()
    {
        lock (_gate)
        {
            BeforeCommit?.Invoke();
            _transaction?.Commit();
            _transaction?.Dispose();
            _pendingWrites = 0;
            Begin();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            BeforeCommit?.Invoke();
            _transaction?.Commit();
            _transaction?.Dispose();
            _transaction = null;
            foreach (var command in _prepared.Values) command.Dispose();
            _connection.Dispose();
        }
    }

    private bool _deferred;

    private void Begin() => _transaction = _connection.BeginTransaction(deferred: _deferred);

    private OutputRecord? ReadOutput(RowReader reader, int first) =>
        Names.Find(reader.Text(first)) is { } path
            ? new(path, reader.Hash(first + 1), reader.Int64(first + 2), reader.Hash(first + 3))
            : null;

    /// <summary>A SELECT read row by row through SQLite's own API (see <see cref="RowReader"/>); the caller holds the gate.</summary>
    private RowReader Rows(string sql, params ReadOnlySpan<object> parameters) => new(_connection, sql, parameters);

    private static byte[] Blob(ContentHash hash) => hash.ToDigest();

    private void Write(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            // Writes repeat a few statements thousands of times: keep each prepared.
            if (!_prepared.TryGetValue(sql, out var command))
            {
                command = _connection.CreateCommand();
                command.CommandText = sql;
                _prepared[sql] = command;
            }
            command.Transaction = _transaction;
            // The same statement always comes with the same names in the same order: set values in place.
            if (command.Parameters.Count == parameters.Length)
                for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value;
            else
            {
                command.Parameters.Clear();
                foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            }
            command.ExecuteNonQuery();
            if (++_pendingWrites >= WritesPerTransaction) Commit();
        }
    }

    /// <summary>
    /// The distinct values of a table's first primary-key column, one index probe each ("the next value
    /// after the last"): SELECT DISTINCT would read every row, one per file or slot, to find a few values.
    /// </summary>
    private List<string> DistinctKeyPrefixes(string table, string column)
    {
        var values = new List<string>();
        lock (_gate)
        {
            using var first = Command($"SELECT {column} FROM {table} ORDER BY {column} LIMIT 1");
            var value = first.ExecuteScalar() as string;
            using var next = Command($"SELECT {column} FROM {table} WHERE {column} > $v ORDER BY {column} LIMIT 1", ("$v", ""));
            while (value is not null)
            {
                values.Add(value);
                next.Parameters[0].Value = value;
                value = next.ExecuteScalar() as string;
            }
        }
        return values;
    }

    private List<string> DistinctColumn(string sql)
    {
        lock (_gate)
        {
            using var reader = Rows(sql);
            var values = new List<string>();
            // Hash columns are BLOBs (given as hex); the rest, and meta values, TEXT.
            while (reader.Read()) values.Add(reader.IsBlob(0) ? reader.HashHex(0) : reader.Text(0));
            return values;
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private string ScalarText(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}
