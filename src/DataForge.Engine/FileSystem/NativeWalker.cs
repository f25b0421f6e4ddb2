using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// The walk of a no-op build, on Linux: opendir/readdir per folder and one statx per file relative to
/// the open folder (the kernel resolves one name, not the whole path again), folders of one depth
/// spread over the cores, as git's preloaded index stats in threads. Same result as the portable walk:
/// regular files (symbolic links to files included), symbolic links to folders not followed,
/// unreadable folders skipped. Null when the platform lacks these calls (the caller falls back).
/// </summary>
internal static unsafe partial class NativeWalker
{
    private const byte TypeUnknown = 0;
    private const byte TypeDirectory = 4;
    private const byte TypeRegular = 8;
    private const byte TypeLink = 10;
    private const int SymlinkNoFollow = 0x100;
    private const int NameOffset = 19; // struct dirent (glibc, 64-bit): ino 8, off 8, reclen 2, type 1, name
    private const int TypeOffset = 18;
    private const ushort FileTypeMask = 0xF000;
    private const ushort ModeRegular = 0x8000;
    private const ushort ModeDirectory = 0x4000;

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr OpenDir(string path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    private static partial byte* ReadDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "dirfd")]
    private static partial int DirFd(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "statx")]
    private static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    /// <summary>Every regular file under <paramref name="root"/>, unordered; null when not supported here.</summary>
    public static List<FileEntry>? Walk(string root, int threads)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8) return null;
        var files = new ConcurrentBag<List<FileEntry>>();
        var level = new List<string> { "" };
        try
        {
            while (level.Count > 0)
            {
                var next = new ConcurrentBag<List<string>>();
                Parallel.ForEach(Partitioner.Create(0, level.Count, Math.Max(1, level.Count / (threads * 8))),
                    new ParallelOptions { MaxDegreeOfParallelism = threads }, range =>
                    {
                        var found = new List<FileEntry>();
                        var folders = new List<string>();
                        for (var i = range.Item1; i < range.Item2; i++) ReadFolder(root, level[i], found, folders);
                        files.Add(found);
                        next.Add(folders);
                    });
                level = next.SelectMany(f => f).ToList();
            }
        }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        var all = new List<FileEntry>(files.Sum(f => f.Count));
        foreach (var part in files) all.AddRange(part);
        return all;
    }

    private static void ReadFolder(string root, string relative, List<FileEntry> files, List<string> folders)
    {
        var dir = OpenDir(relative.Length == 0 ? root : $"{root}/{relative}");
        if (dir == IntPtr.Zero) return; // unreadable or gone: skipped, as the portable walk does
        try
        {
            var fd = DirFd(dir);
            var prefix = relative.Length == 0 ? "" : relative + "/";
            byte* stat = stackalloc byte[256];
            byte* entry;
            while ((entry = ReadDir(dir)) != null)
            {
                var name = entry + NameOffset;
                if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
                var type = entry[TypeOffset];
                if (type is not (TypeRegular or TypeDirectory or TypeLink or TypeUnknown)) continue;
                var path = prefix + Utf8Name(name);
                if (type == TypeDirectory) { folders.Add(path); continue; }
                if (type == TypeUnknown)
                {
                    // The file system does not say: ask, without following a link.
                    if (Statx(fd, name, SymlinkNoFollow, 0x7ff, stat) != 0) continue;
                    var mode = *(ushort*)(stat + 28) & FileTypeMask;
                    if (mode == ModeDirectory) { folders.Add(path); continue; }
                }
                // Regular files and links (followed: a link to a file counts as that file, one to a folder does not).
                if (Statx(fd, name, 0, 0x7ff, stat) != 0) continue;
                if ((*(ushort*)(stat + 28) & FileTypeMask) != ModeRegular) continue;
                var seconds = *(long*)(stat + 112);
                var nanos = *(uint*)(stat + 120);
                files.Add(new FileEntry(path, new FileStat((long)*(ulong*)(stat + 40), seconds * 1_000_000_000L + nanos, unchecked((long)*(ulong*)(stat + 32)))));
            }
        }
        finally
        {
            CloseDir(dir);
        }
    }

    private static string Utf8Name(byte* name)
    {
        var length = 0;
        while (name[length] != 0) length++;
        return Encoding.UTF8.GetString(name, length);
    }
}
