using System.Runtime.InteropServices;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// The few Linux calls .NET does not expose: statx (inode and nanosecond mtime), link (hard links)
/// and fsync of a folder (so a rename survives a crash).
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int Syncfs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(Microsoft.Win32.SafeHandles.SafeFileHandle fd, long offset, long count, uint flags);

    private const uint SyncFileRangeWrite = 2;

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

    /// <summary>link(2); false when the platform or file system refuses (cross-device, no support).</summary>
    public static bool TryHardLink(string existing, string newPath)
    {
        try { return Link(existing, newPath) == 0; }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    /// <summary>
    /// sync_file_range(2) with SYNC_FILE_RANGE_WRITE: starts writing a file's dirty pages back without waiting for
    /// them, so that the syncfs which makes a batch durable finds most of the batch already on its way. Best effort
    /// (no durability promise of its own); a no-op where the call does not exist.
    /// </summary>
    public static void StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux()) return;
        try { SyncFileRange(file, 0, 0, SyncFileRangeWrite); }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
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
