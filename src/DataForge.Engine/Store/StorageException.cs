namespace DataForge.Engine.Store;

/// <summary>
/// A write the environment refused: no space left (ENOSPC, EDQUOT), a read-only file system (EROFS) or no
/// permission (EACCES, EPERM). Says which area, and how many bytes more would be needed when that is known. The
/// build's writes are atomic and the database commits after its objects exist, so nothing is damaged: a rerun after
/// making room resumes. The message names no path.
/// </summary>
public sealed class StorageException : IOException
{
    /// <summary>errno values this type stands for (Linux numbering).</summary>
    public const int NoSpace = 28, ReadOnlyFileSystem = 30, QuotaExceeded = 122, PermissionDenied = 13;

    public StorageException(StorageArea area, StorageProblem problem, long? bytesShort, Exception inner)
        : base($"{problem} in {area}", inner)
    {
        Area = area;
        Problem = problem;
        BytesShort = bytesShort;
    }

    public StorageArea Area { get; }

    public StorageProblem Problem { get; }

    /// <summary>About how many bytes more the step needed than the file system had free; null when unknown.</summary>
    public long? BytesShort { get; }

    /// <summary>
    /// What an exception from a write means, when it is a storage problem: the <see cref="StorageProblem"/> of an
    /// IOException's errno (.NET keeps it as the HResult on Unix), of an UnauthorizedAccessException, or of a SQLite
    /// error (SQLITE_FULL, SQLITE_READONLY, SQLITE_PERM); null for anything else.
    /// </summary>
    public static StorageProblem? Classify(Exception e) => e switch
    {
        StorageException s => s.Problem,
        UnauthorizedAccessException => StorageProblem.PermissionDenied,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 } => StorageProblem.NoSpace,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 8 } => StorageProblem.ReadOnly,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 3 } => StorageProblem.PermissionDenied,
        IOException io => (io.HResult & 0xFFFF) switch
        {
            NoSpace or QuotaExceeded => StorageProblem.NoSpace,
            ReadOnlyFileSystem => StorageProblem.ReadOnly,
            PermissionDenied or 1 => StorageProblem.PermissionDenied,
            _ => null,
        },
        _ => null,
    };

    /// <summary>
    /// The first storage problem in an exception, its inner exceptions and an AggregateException's parts; null when there
    /// is none. One not raised as a <see cref="StorageException"/> is in <see cref="StorageArea.Store"/> when SQLite
    /// (state.db) raised it, else in <paramref name="fallback"/>.
    /// </summary>
    public static StorageException? Find(Exception e, StorageArea fallback = StorageArea.Unknown)
    {
        switch (e)
        {
            case StorageException s:
                return s;
            case AggregateException a:
                foreach (var inner in a.Flatten().InnerExceptions)
                    if (Find(inner, fallback) is { } found) return found;
                return null;
        }
        if (Classify(e) is { } problem)
            return new StorageException(e is Microsoft.Data.Sqlite.SqliteException ? StorageArea.Store : fallback, problem, null, e);
        return e.InnerException is { } next ? Find(next, fallback) : null;
    }

    /// <summary>Runs a write, turning a storage problem into a <see cref="StorageException"/> of <paramref name="area"/>.</summary>
    public static T Guard<T>(StorageArea area, Func<T> write, Func<long?>? bytesShort = null)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is not StorageException && Classify(e) is { } problem)
        {
            throw new StorageException(area, problem, problem == StorageProblem.NoSpace ? bytesShort?.Invoke() : null, e);
        }
    }

    /// <summary>Runs a write that returns nothing, as <see cref="Guard{T}"/>.</summary>
    public static void Guard(StorageArea area, Action write, Func<long?>? bytesShort = null) =>
        Guard(area, () => { write(); return true; }, bytesShort);

    /// <summary>Free bytes on the file system holding <paramref name="path"/> (or its nearest existing parent); null when unknown.</summary>
    public static long? FreeBytes(string path)
    {
        try
        {
            var folder = path;
            while (!Directory.Exists(folder) && Path.GetDirectoryName(folder) is { } parent) folder = parent;
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }
}
