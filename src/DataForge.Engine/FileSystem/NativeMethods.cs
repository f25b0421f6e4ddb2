using System.Runtime.InteropServices;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// The few Linux calls .NET does not expose: statx (inode and nanosecond mtime), link (hard links), FICLONE (reflinks),
/// fsync of a folder (so a rename survives a crash), and a plain open/read/close for hashing.
/// </summary>
internal static partial class NativeMethods
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const ushort FileTypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);

    /// <summary>FICLONE = _IOW(0x94, 9, int) (linux/fs.h): the target file shares the source's extents, copy on write.</summary>
    private const uint FileClone = 0x40049409;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenCreating(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteFile(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PRead(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int Fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);

    private const int CreateNewWriteOnly = 0x1 | 0x40 | 0x80 | 0x80000; // O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
    private const int NoSuchFile = 2; // ENOENT

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadFile(int fd, byte* buffer, nint count);

    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int Interrupted = 4; // EINTR
    private const int PermissionDenied = 13; // EACCES
    private const int NotPermitted = 1; // EPERM

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int Syncfs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);


    /// <summary>
    /// statx(2) following symbolic links. Layout (linux/stat.h, the same on every architecture):
    /// nlink u32 at 16, mode u16 at 28, ino u64 at 32, size u64 at 40, mtime {i64 sec, u32 nsec} at 112.
    /// Null when the path is missing or is not a regular file.
    /// </summary>
    public static unsafe FileStat? StatRegularFile(string path, out bool unsupported) => StatRegularFile(path, out unsupported, out _);

    /// <summary>statx(2) as above, with the file's hard-link count.</summary>
    public static unsafe FileStat? StatRegularFile(string path, out bool unsupported, out int links)
    {
        unsupported = false;
        links = 0;
        byte* buffer = stackalloc byte[StatxSize];
        int rc;
        try { rc = Statx(AtFdCwd, path, 0, StatxBasicStats, buffer); }
        catch (EntryPointNotFoundException) { unsupported = true; return null; }
        catch (DllNotFoundException) { unsupported = true; return null; }
        if (rc != 0) return null;
        var mode = *(ushort*)(buffer + 28);
        if ((mode & FileTypeMask) != RegularFile) return null;
        links = (int)Math.Min(*(uint*)(buffer + 16), int.MaxValue);
        var inode = *(ulong*)(buffer + 32);
        var size = *(ulong*)(buffer + 40);
        var seconds = *(long*)(buffer + 112);
        var nanos = *(uint*)(buffer + 120);
        return new FileStat((long)size, seconds * 1_000_000_000L + nanos, unchecked((long)inode));
    }

    /// <summary>
    /// SHA-256 of a file's content with open(2), read(2) and close(2) only: a FileStream adds an fstat, a
    /// flock and its unlock and a posix_fadvise per file, which cost more than hashing a small file. Null
    /// where the calls do not exist; IOException (or UnauthorizedAccessException) when the file cannot be read.
    /// A first read shorter than asked for that returns exactly <paramref name="statSize"/> bytes (the size the
    /// walk saw) is taken as the end, as git takes a file's stat size: a small file costs one read, not two. Were
    /// the file to have grown meanwhile, its stat has changed too, so the stat cache re-hashes it next time.
    /// </summary>
    public static unsafe Hashing.ContentHash? TryHashFile(string path, long statSize = -1)
    {
        int fd;
        try { fd = Open(path, ReadOnlyCloseOnExec); }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        if (fd < 0) throw Failure("open");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            fixed (byte* start = buffer)
            {
                // The first block (1 MiB: a CT slice of 512 x 512 is one read, not three): a small file is hashed in one call.
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var n = ReadRetrying(fd, start + filled, buffer.Length - filled);
                    if (n == 0) return Hashing.ContentHash.Of(buffer.AsSpan(0, filled));
                    filled += n;
                    if (filled == statSize && filled < buffer.Length) return Hashing.ContentHash.Of(buffer.AsSpan(0, filled));
                }
                using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                hash.AppendData(buffer, 0, filled);
                int read;
                while ((read = ReadRetrying(fd, start, buffer.Length)) > 0) hash.AppendData(buffer, 0, read);
                return Hashing.ContentHash.FromDigest(hash.GetHashAndReset());
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            Close(fd);
        }
    }

    private static unsafe int ReadRetrying(int fd, byte* buffer, int count)
    {
        while (true)
        {
            var n = ReadFile(fd, buffer, count);
            if (n >= 0) return (int)n;
            if (Marshal.GetLastPInvokeError() != Interrupted) throw Failure("read");
        }
    }

    private static Exception Failure(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return errno is PermissionDenied or NotPermitted
            ? new UnauthorizedAccessException($"{call} refused (errno {errno})")
            : errno == NoSuchFile
                ? new DirectoryNotFoundException($"{call} failed: no such folder (errno {errno})")
                // The errno as the HResult's low word, as .NET's own file errors carry it (StorageException.Classify).
                : new IOException($"{call} failed (errno {errno})", errno);
    }

    /// <summary>
    /// open(2) for reading, nothing more: a source file is opened by each stage that reads it (the screen, the headers
    /// stage), and a FileStream's open added an fstat, two flock calls and a posix_fadvise to each. Null where the call
    /// does not exist. Fails as a FileStream does: a missing file is a <see cref="FileNotFoundException"/>, a missing
    /// folder a <see cref="DirectoryNotFoundException"/>, a refusal an <see cref="UnauthorizedAccessException"/>, with
    /// no path in the message. A folder is refused as a FileStream refuses it.
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle? TryOpenRead(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int fd;
        try { fd = Open(path, ReadOnlyCloseOnExec); }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != NoSuchFile) throw Failure("open");
            throw Directory.Exists(Path.GetDirectoryName(path))
                ? new FileNotFoundException($"open failed: no such file (errno {errno})")
                : new DirectoryNotFoundException($"open failed: no such folder (errno {errno})");
        }
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        if (IsFolder(fd))
        {
            handle.Dispose();
            throw new UnauthorizedAccessException("open refused: a folder, not a file");
        }
        return handle;
    }

    /// <summary>Whether an open descriptor is a folder (statx of the descriptor itself, as a FileStream's fstat).</summary>
    private static unsafe bool IsFolder(int fd)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(fd, "", EmptyPath, StatxType, buffer) != 0) return false;
        return (*(ushort*)(buffer + 28) & FileTypeMask) == Folder;
    }

    /// <summary>The size of an open file now (statx of the descriptor).</summary>
    public static unsafe long SizeOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx((int)handle.DangerousGetHandle(), "", EmptyPath, StatxSizeField, buffer) != 0) throw Failure("statx");
        return (long)*(ulong*)(buffer + 40);
    }

    private const uint StatxSizeField = 0x200; // STATX_SIZE

    /// <summary>pread(2) at an offset, retried when interrupted; 0 at the end of the file.</summary>
    public static unsafe int ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var n = PRead((int)handle.DangerousGetHandle(), start, buffer.Length, offset);
                if (n >= 0) return (int)n;
                if (Marshal.GetLastPInvokeError() != Interrupted) throw Failure("read");
            }
        }
    }

    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH
    private const uint StatxType = 0x1; // STATX_TYPE
    private const ushort Folder = 0x4000; // S_IFDIR

    /// <summary>
    /// Writes a new file in one go with plain calls: open (O_CREAT | O_EXCL, so nothing is overwritten), write,
    /// fchmod to exactly <paramref name="mode"/> when given (whatever the umask), fsync when <paramref name="durable"/>,
    /// close, then rename(2) onto <paramref name="target"/>. A FileStream spends an fstat, two
    /// flock calls, a chmod by path and an lstat more per file; an object store writes one file per object. False
    /// where the calls do not exist (the caller then writes through .NET). Throws as .NET does for a failed call
    /// (the temporary file is removed); a missing folder is a <see cref="DirectoryNotFoundException"/>.
    /// </summary>
    public static unsafe bool TryWriteNewFile(string temp, string target, ReadOnlySpan<byte> content, uint? mode, bool durable)
    {
        if (!OperatingSystem.IsLinux()) return false;
        int fd;
        try { fd = OpenCreating(temp, CreateNewWriteOnly, mode ?? 0x1b6 /* 0666 less the umask, as .NET creates files */); }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
        if (fd < 0) throw Failure("open");
        var closed = false;
        try
        {
            fixed (byte* start = content)
            {
                var written = 0;
                while (written < content.Length)
                {
                    var n = WriteFile(fd, start + written, content.Length - written);
                    if (n < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == Interrupted) continue;
                        throw Failure("write");
                    }
                    written += (int)n;
                }
            }
            // open(2) applied the umask to the mode: when it took no bit of it, the file has exactly that mode already.
            if (mode is { } exact && (exact & Umask) != 0 && Fchmod(fd, exact) != 0) throw Failure("fchmod");
            // Not durable: the batch's syncfs writes it back with the rest. A sync_file_range here started one
            // write per object: more CPU in all (first build of 20,000 files: 9% more) than one syncfs of the batch.
            if (durable && Fsync(fd) != 0) throw Failure("fsync");
            closed = true;
            // close reports a write the file system could not finish (NFS, quota): the file is then not whole.
            if (Close(fd) != 0 && Marshal.GetLastPInvokeError() != Interrupted) throw Failure("close");
            if (Rename(temp, target) != 0) throw Failure("rename");
            return true;
        }
        catch
        {
            if (!closed) Close(fd);
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// The process's umask, read once from /proc/self/status (umask(2) cannot be read without setting it, which would race
    /// with other threads creating files); every bit when it cannot be read, so that each mode is then set by fchmod.
    /// Nothing in this process changes its umask after start-up.
    /// </summary>
    private static readonly uint Umask = ReadUmask();

    private static uint ReadUmask()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Umask:", StringComparison.Ordinal)) return Convert.ToUInt32(line[6..].Trim(), 8);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        catch (FormatException) { }
        return 0xfff;
    }

    /// <summary>link(2); false when the platform or file system refuses (cross-device, no support).</summary>
    public static bool TryHardLink(string existing, string newPath)
    {
        try { return Link(existing, newPath) == 0; }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    /// <summary>syncfs(2) of the file system holding a folder: one flush for a whole batch of writes and renames.</summary>
    public static void SyncFileSystem(string folder)
    {
        try
        {
            var fd = Open(folder, 0);
            if (fd < 0) return;
            if (Syncfs(fd) != 0) Fsync(fd);
            Close(fd);
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }

    /// <summary>Best-effort fsync of a folder, so that a rename into it is durable.</summary>
    public static void FsyncFolder(string folder)
    {
        try
        {
            var fd = Open(folder, 0);
            if (fd < 0) return;
            Fsync(fd);
            Close(fd);
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }
}
