namespace DataForge.Engine.Store;

/// <summary>Why the environment refused a write (see <see cref="StorageException"/>).</summary>
public enum StorageProblem
{
    /// <summary>No space left on the device, or the disk quota is used up (ENOSPC, EDQUOT, SQLITE_FULL).</summary>
    NoSpace,

    /// <summary>The file system is mounted read-only (EROFS, SQLITE_READONLY).</summary>
    ReadOnly,

    /// <summary>The process may not write there (EACCES, EPERM).</summary>
    PermissionDenied,
}
