namespace DataForge.Engine.FileSystem;

/// <summary>
/// Every disk access of the engine goes through this interface, so engine tests run against an
/// in-memory fake that can count reads. Paths are absolute, '/' separated.
/// </summary>
public interface IFileSystem
{
    /// <summary>Every regular file under <paramref name="root"/>, recursively; symbolic links to folders are not followed. Empty when the root is missing.</summary>
    IEnumerable<FileEntry> Walk(string root);

    /// <summary>The stat of a regular file, or null when it does not exist.</summary>
    FileStat? Stat(string path);

    /// <summary>
    /// The stat of a regular file and its hard-link count, in one call; null when it does not exist.
    /// A file system that cannot count links says 1 (then nothing is assumed to be linked).
    /// </summary>
    FileStat? StatWithLinks(string path, out int links)
    {
        links = 1;
        return Stat(path);
    }

    /// <summary>Opens a file for sequential reading.</summary>
    Stream OpenRead(string path);

    /// <summary>SHA-256 of a file's content, read to its end (the indexer's one read of a new or changed file).</summary>
    Hashing.ContentHash HashFile(string path)
    {
        using var stream = OpenRead(path);
        return Hashing.ContentHash.Of(stream);
    }

    /// <summary>
    /// <see cref="HashFile(string)"/> of a file the walk found with <paramref name="statSize"/> bytes: a file system
    /// may then take a short first read of exactly that size as the end (no read that returns nothing).
    /// </summary>
    Hashing.ContentHash HashFile(string path, long statSize) => HashFile(path);

    /// <summary>Creates a folder and its parents; <paramref name="privateMode"/> makes new folders 0700.</summary>
    void CreateDirectory(string path, bool privateMode);

    /// <summary>
    /// Writes a file so that a reader (or a killed process) sees either nothing or the whole
    /// content: temporary file in the same folder, rename over the target. With
    /// <paramref name="durable"/> the file and its folder are fsynced before returning; without,
    /// the caller makes a batch durable at once with <see cref="SyncFileSystem"/>.
    /// <paramref name="readOnly"/> leaves the file 0444.
    /// </summary>
    void WriteAtomically(string path, ReadOnlySpan<byte> content, bool readOnly, bool durable = true);

    /// <summary>Flushes everything written to the file system holding <paramref name="path"/> to the disk (syncfs).</summary>
    void SyncFileSystem(string path);

    /// <summary>
    /// Makes a new file <paramref name="target"/> (a temporary name the caller then renames into place) with the
    /// content of <paramref name="source"/>, as <paramref name="mode"/> asks: a hard link, a reflink or a copy, each
    /// falling back to a copy where the file system cannot (another device, no clone support). With
    /// <paramref name="expected"/> the bytes are checked first (hashed as they are copied, or the source hashed
    /// before it is linked): on a mismatch nothing is left at the target and <see cref="Store.DamagedObjectException"/>
    /// is thrown. Not fsynced: see <see cref="SyncFileSystem"/>.
    /// </summary>
    MaterialisedAs CloneFile(string source, string target, OutputLinkMode mode, Hashing.ContentHash? expected);

    /// <summary>Renames a file or folder, replacing a file target.</summary>
    void Move(string from, string to);

    /// <summary>
    /// Renames a file (never a folder), replacing a file target; as <see cref="Move"/>, without first asking whether
    /// <paramref name="from"/> is a folder. A missing target folder is a <see cref="DirectoryNotFoundException"/>.
    /// </summary>
    void MoveFile(string from, string to) => Move(from, to);

    /// <summary>Deletes a file; no error when it or its folder is missing.</summary>
    void DeleteFile(string path);

    /// <summary>Deletes empty folders from <paramref name="folder"/> upwards, stopping at <paramref name="stopAt"/> (kept).</summary>
    void DeleteEmptyFoldersUpwards(string folder, string stopAt);

    /// <summary>
    /// Tries to take an exclusive lock on a lock file (created if missing) and writes
    /// <paramref name="owner"/> into it. The operating system drops the lock when the holder dies,
    /// so a lock of a dead process is taken over. Null when another holder has it.
    /// </summary>
    IDisposable? TryLock(string path, string owner);

    /// <summary>What the current holder of a lock file wrote into it, or null.</summary>
    string? ReadLockOwner(string path);
}
