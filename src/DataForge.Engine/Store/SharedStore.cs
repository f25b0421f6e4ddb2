using System.Text;
using DataForge.Engine.FileSystem;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Store;

/// <summary>
/// A store folder that several projects share (<c>store: PATH</c>, e.g. on NFS), so that an object made by one
/// project is there for every other, and gc removes only what no project holds:
/// <code>
/// PATH/objects/ab/cdef…     content-addressed objects (ObjectStore: temp file beside the object, then rename, so a
///                           writer killed mid-write leaves no partial object)
/// PATH/roots/PROJECT        the objects one project holds, written atomically (temp + rename) after each build,
///                           release and gc; PROJECT = 32 hex digits of a hash of the project's state folder path.
///                           Format: first line "dataforge-store-roots 1", then one object hash (64 hex digits) a line, sorted
/// PATH/roots/PROJECT.unfinished  written when a build starts, removed once it has written its roots: a build killed
///                           in between may have recorded objects its roots do not name yet
/// PATH/store.lock           flock: shared by every build (and fsck, release), exclusive for gc
/// </code>
/// A project's roots are the objects of every action its state.db records, what its output folder holds, its
/// releases' objects, its output path names, and (with a shared action cache) the objects holding the output paths of
/// its actions. gc takes the lock exclusively, so no build is writing objects it has not yet rooted, and removes only
/// objects that no project's roots name, and nothing at all while another project's last build did not finish (its
/// next build, or its own gc, brings its roots up to date). A project removed for good leaves its roots file (and
/// maybe an unfinished mark): delete them to free its objects.
/// </summary>
public sealed class SharedStore
{
    private const string Header = "dataforge-store-roots 1";

    private readonly IFileSystem _fs;

    public SharedStore(IFileSystem fileSystem, StoreLayout layout)
    {
        _fs = fileSystem;
        Root = layout.SharedStore ?? throw new ArgumentException("the layout has no shared store");
        using var h = new KeyHasher("shared-store-project/1");
        ProjectId = h.Add('p', layout.StateRoot).Finish().Hex[..32];
    }

    /// <summary>The shared folder.</summary>
    public string Root { get; }

    /// <summary>This project's name in <c>roots/</c>.</summary>
    public string ProjectId { get; }

    /// <summary><c>roots/</c>.</summary>
    public string RootsFolder => Path.Combine(Root, "roots");

    /// <summary>This project's roots file.</summary>
    public string RootsFile => Path.Combine(RootsFolder, ProjectId);

    /// <summary>This project's mark of a build under way (see the format above).</summary>
    public string UnfinishedFile => Path.Combine(RootsFolder, ProjectId + UnfinishedSuffix);

    private const string UnfinishedSuffix = ".unfinished";

    /// <summary>Marks a build of this project under way (before it writes anything).</summary>
    public void MarkUnfinished() => StorageException.Guard(StorageArea.Store, () =>
    {
        _fs.CreateDirectory(RootsFolder, privateMode: true);
        _fs.WriteAtomically(UnfinishedFile, Encoding.UTF8.GetBytes(Header + "\n"), readOnly: false, durable: true);
    });

    /// <summary>Removes this project's mark (its roots file now names what it holds).</summary>
    public void MarkFinished()
    {
        if (_fs.Stat(UnfinishedFile) is not null) StorageException.Guard(StorageArea.Store, () => _fs.DeleteFile(UnfinishedFile));
    }

    /// <summary>The projects (by id) whose last build did not finish, other than this one.</summary>
    public List<string> Unfinished() => _fs.Walk(RootsFolder)
        .Select(e => Path.GetFileName(e.RelativePath))
        .Where(n => n.EndsWith(UnfinishedSuffix, StringComparison.Ordinal) && !n.StartsWith(".tmp-", StringComparison.Ordinal))
        .Select(n => n[..^UnfinishedSuffix.Length]).Where(id => id != ProjectId).Order(StringComparer.Ordinal).ToList();

    /// <summary>The lock file.</summary>
    public string LockFile => Path.Combine(Root, "store.lock");

    /// <summary>
    /// Takes the store lock, shared (a build, fsck, release: many at once) or exclusive (gc), waiting for it (with one
    /// message) unless <paramref name="noWait"/>; null when busy and not waiting. The kernel drops it when its holder dies.
    /// </summary>
    public IDisposable? Lock(bool exclusive, bool noWait, Action<string>? onMessage, TimeSpan poll, CancellationToken cancellationToken)
    {
        StorageException.Guard(StorageArea.Store, () => _fs.CreateDirectory(Root, privateMode: true));
        var announced = false;
        while (true)
        {
            try
            {
                // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix, any other share flock(LOCK_SH | LOCK_NB) on a file opened
                // for reading (Linux's NFS client maps flock onto the server's byte-range locks, so this holds across machines).
                return exclusive
                    ? new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                    : OpenShared();
            }
            catch (IOException)
            {
                if (noWait) return null;
            }
            if (!announced)
            {
                onMessage?.Invoke(exclusive
                    ? "waiting for the builds on the shared store to end (gc needs it alone)"
                    : "waiting for a gc of the shared store to end");
                announced = true;
            }
            Task.Delay(poll, cancellationToken).GetAwaiter().GetResult();
        }
    }

    private FileStream OpenShared()
    {
        if (!File.Exists(LockFile)) new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite).Dispose();
        return new FileStream(LockFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    }

    /// <summary>Writes this project's roots (object hashes, hex), atomically.</summary>
    public void WriteRoots(IEnumerable<string> objects)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var hex in objects.Where(IsHash).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) text.Append(hex).Append('\n');
        StorageException.Guard(StorageArea.Store, () =>
        {
            _fs.CreateDirectory(RootsFolder, privateMode: true);
            _fs.WriteAtomically(RootsFile, Encoding.UTF8.GetBytes(text.ToString()), readOnly: false, durable: true);
        });
    }

    /// <summary>
    /// The objects every project's roots file names (hex). A file not of the format is refused (gc must not guess):
    /// throws <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public HashSet<string> ReadAllRoots()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in _fs.Walk(RootsFolder))
        {
            var name = Path.GetFileName(entry.RelativePath);
            if (name.StartsWith(".tmp-", StringComparison.Ordinal) || name.EndsWith(UnfinishedSuffix, StringComparison.Ordinal)) continue;
            using var reader = new StreamReader(_fs.OpenRead($"{RootsFolder}/{entry.RelativePath}"), Encoding.UTF8);
            if (reader.ReadLine() != Header)
                throw new InvalidDataException($"the shared store's roots file roots/{entry.RelativePath} is not of this format; gc removes nothing until it is fixed or removed");
            while (reader.ReadLine() is { } line)
                if (IsHash(line)) live.Add(line);
        }
        return live;
    }

    private static bool IsHash(string hex) => hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower);
}
