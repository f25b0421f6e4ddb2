using System.IO.Enumeration;

namespace DataForge.Engine.FileSystem;

/// <summary>The real disk (Linux first: statx, link and folder fsync through <see cref="NativeMethods"/>).</summary>
public sealed class PhysicalFileSystem : IFileSystem
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public IEnumerable<FileEntry> Walk(string root)
    {
        if (!Directory.Exists(root)) return [];
        return NativeWalker.Walk(Path.TrimEndingDirectorySeparator(root), Environment.ProcessorCount) ?? PortableWalk(root);
    }

    private IEnumerable<FileEntry> PortableWalk(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        var paths = new FileSystemEnumerable<string>(root, (ref FileSystemEntry e) => e.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory,
            ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        var prefix = root.EndsWith('/') ? root.Length : root.Length + 1;
        foreach (var full in paths)
        {
            var stat = Stat(full);
            if (stat is null) continue;
            yield return new FileEntry(full[prefix..], stat.Value);
        }
    }

    public FileStat? StatWithLinks(string path, out int links)
    {
        var stat = NativeMethods.StatRegularFile(path, out var unsupported, out links);
        if (!unsupported) return stat;
        links = 1;
        return Stat(path);
    }

    public FileStat? Stat(string path)
    {
        var stat = NativeMethods.StatRegularFile(path, out var unsupported);
        if (!unsupported) return stat;
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        var ns = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        return new FileStat(info.Length, ns, 0);
    }

    public Stream OpenRead(string path) =>
        // No FileStream buffer: readers here read in large blocks of their own. A descriptor opened with a plain open(2)
        // (see NativeMethods.TryOpenRead) read with pread skips the flock, fadvise and lseek calls a FileStream adds.
        NativeMethods.TryOpenRead(path) is { } handle
            ? new ReadOnlyFile(handle)
            : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);

    public Hashing.ContentHash HashFile(string path) => HashFile(path, -1);

    public Hashing.ContentHash HashFile(string path, long statSize)
    {
        if (NativeMethods.TryHashFile(path, statSize) is { } hash) return hash;
        using var stream = OpenRead(path);
        return Hashing.ContentHash.Of(stream);
    }

    public void CreateDirectory(string path, bool privateMode)
    {
        if (Directory.Exists(path)) return;
        if (privateMode && !OperatingSystem.IsWindows()) Directory.CreateDirectory(path, PrivateFolder);
        else Directory.CreateDirectory(path);
    }

    public void WriteAtomically(string path, ReadOnlySpan<byte> content, bool readOnly, bool durable = true)
    {
        var temp = TempBeside(path);
        if (NativeMethods.TryWriteNewFile(temp, path, content, readOnly ? (uint)ReadOnlyFile : null, durable))
        {
            if (durable) NativeMethods.FsyncFolder(Path.GetDirectoryName(path)!);
            return;
        }
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                // Not durable: the batch's syncfs (under the state.db lock) writes it back with the rest.
                stream.Flush(flushToDisk: durable);
            }
            if (readOnly && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, ReadOnlyFile);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        if (durable) NativeMethods.FsyncFolder(Path.GetDirectoryName(path)!);
    }

    public void SyncFileSystem(string path) => NativeMethods.SyncFileSystem(path);

    public MaterialisedAs CloneFile(string source, string target, OutputLinkMode mode, Hashing.ContentHash? expected)
    {
        if (mode == OutputLinkMode.Hardlink)
        {
            // A link shares the object's bytes as they are: check them before.
            if (expected is { } hash && HashFile(source) != hash) throw new Store.DamagedObjectException(hash);
            if (NativeMethods.TryHardLink(source, target)) return MaterialisedAs.Hardlink;
        }
        using var input = NativeMethods.TryOpenSource(source);
        if (input is null) return PortableClone(source, target, mode, expected);
        var places = (Path.GetDirectoryName(Path.GetDirectoryName(source)), Path.GetDirectoryName(target));
        try
        {
            // A file of its own (mode 0666 less the umask): editing it cannot reach the store.
            using var output = NativeMethods.CreateNew(target);
            if (mode is OutputLinkMode.Auto or OutputLinkMode.Reflink && !_cannotClone.ContainsKey(places))
            {
                if (NativeMethods.TryClone(input, output, out var never))
                {
                    // The clone holds the object's bytes as they were: hashing either reads the same blocks.
                    if (expected is { } cloned && HashFile(source) != cloned) throw new Store.DamagedObjectException(cloned);
                    return MaterialisedAs.Reflink;
                }
                // ext4 and tmpfs never clone: one failed ioctl per pair of folders, not one per file.
                if (never) _cannotClone.TryAdd(places, 0);
            }
            // A copy is checked as it is made: one read of the object. Without an expected hash (an object this process
            // wrote, hashed from memory as it was stored) nothing is hashed. Through user space in 1 MiB blocks: on ext4,
            // copy_file_range and sendfile cost as much system time (a splice through a pipe) as pread and pwrite.
            if (Copy(input, output, hash: expected is not null, native: true) is { } copied && expected is { } want && copied != want)
                throw new Store.DamagedObjectException(want);
            return MaterialisedAs.Copy;
        }
        catch
        {
            DeleteFile(target);
            throw;
        }
    }

    /// <summary>
    /// Pairs of (the source's folder's parent: the store's objects folder, the target's folder) whose FICLONE failed as
    /// unsupported: not tried again by this instance. Support belongs to the file systems, which a pair of folders does
    /// not change in a build; were it wrong, a file would be copied where it could have been cloned, nothing worse.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string?, string?), byte> _cannotClone = new();

    /// <summary><see cref="CloneFile"/> where the plain Linux calls do not exist: .NET file handles, no clone.</summary>
    private MaterialisedAs PortableClone(string source, string target, OutputLinkMode mode, Hashing.ContentHash? expected)
    {
        try
        {
            using var input = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            using var output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (Copy(input, output, hash: expected is not null, native: false) is { } copied && expected is { } want && copied != want)
                throw new Store.DamagedObjectException(want);
            return MaterialisedAs.Copy;
        }
        catch
        {
            File.Delete(target);
            throw;
        }
    }

    /// <summary>
    /// Copies a file's bytes through a 1 MiB buffer; with <paramref name="hash"/>, returns their SHA-256 (otherwise null).
    /// <paramref name="native"/>: plain pread and pwrite (Linux), else .NET's <see cref="RandomAccess"/>.
    /// </summary>
    private static Hashing.ContentHash? Copy(Microsoft.Win32.SafeHandles.SafeFileHandle input, Microsoft.Win32.SafeHandles.SafeFileHandle output, bool hash, bool native)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            using var sha = hash ? System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256) : null;
            long offset = 0;
            int n;
            while ((n = native ? NativeMethods.ReadAt(input, buffer, offset) : RandomAccess.Read(input, buffer, offset)) > 0)
            {
                sha?.AppendData(buffer, 0, n);
                if (native) NativeMethods.WriteAt(output, buffer.AsSpan(0, n), offset);
                else RandomAccess.Write(output, buffer.AsSpan(0, n), offset);
                offset += n;
            }
            return sha is null ? null : Hashing.ContentHash.FromDigest(sha.GetHashAndReset());
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Move(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to, overwrite: true);
    }

    public void MoveFile(string from, string to)
    {
        // rename(2) alone: File.Move stats the source and lstats it again first. Any failure (another device, a
        // missing folder) goes to File.Move, which copies across devices and throws what .NET throws.
        if (NativeMethods.TryRename(from, to)) return;
        File.Move(from, to, overwrite: true);
    }

    public void DeleteFile(string path)
    {
        // File.Delete is quiet about a missing file but not about a missing folder (an output folder moved or removed).
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
    }

    public void DeleteEmptyFoldersUpwards(string folder, string stopAt)
    {
        var stop = Path.TrimEndingDirectorySeparator(stopAt);
        var current = Path.TrimEndingDirectorySeparator(folder);
        while (current.Length > stop.Length && current.StartsWith(stop, StringComparison.Ordinal)
               && Directory.Exists(current) && !Directory.EnumerateFileSystemEntries(current).Any())
        {
            Directory.Delete(current);
            current = Path.GetDirectoryName(current)!;
        }
    }

    public IDisposable? TryLock(string path, string owner)
    {
        FileStream stream;
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix: the kernel drops it when the holder dies.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        // The owner note lives beside the lock file: a locked file cannot be opened by a reader.
        // Not fsynced: it only names the holder for a waiting build's message, and a crash drops the lock anyway.
        WriteAtomically(path + ".owner", System.Text.Encoding.UTF8.GetBytes(owner), readOnly: false, durable: false);
        return stream;
    }

    public string? ReadLockOwner(string path)
    {
        try { return File.ReadAllText(path + ".owner"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string TempBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".tmp-{Path.GetFileName(path)}-{TempNames.Next()}");
}
