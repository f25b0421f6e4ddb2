using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// Making an output file from a store object with plain calls: open(2) of both (a FileStream added an fstat and a flock
/// to each), FICLONE that says when it can never work, pwrite(2), rename(2).
/// </summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlFd(int fd, nuint request, int source);

    private const int NotSupported = 95; // EOPNOTSUPP
    private const int CrossDevice = 18; // EXDEV
    private const int NoSuchCall = 38; // ENOSYS
    private const int NotATypewriter = 25; // ENOTTY: the file system has no such ioctl

    /// <summary>
    /// open(2) of an object to copy from: no fstat, flock or fadvise as a FileStream adds. Null where the call does not
    /// exist; a missing file is a <see cref="FileNotFoundException"/> (the materialiser's "object vanished").
    /// </summary>
    public static SafeFileHandle? TryOpenSource(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int fd;
        try { fd = Open(path, ReadOnlyCloseOnExec); }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        if (fd < 0)
        {
            if (Marshal.GetLastPInvokeError() == NoSuchFile) throw new FileNotFoundException($"open failed: no such file (errno {NoSuchFile})");
            throw Failure("open");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>open(2) with O_CREAT | O_EXCL of a new file (0666 less the umask, as .NET creates files).</summary>
    public static SafeFileHandle CreateNew(string path)
    {
        var fd = OpenCreating(path, CreateNewWriteOnly, 0x1b6);
        if (fd < 0)
        {
            if (Marshal.GetLastPInvokeError() == NoSuchFile) throw new DirectoryNotFoundException($"open failed: no such folder (errno {NoSuchFile})");
            throw Failure("open");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// FICLONE of <paramref name="source"/> into the empty <paramref name="target"/>. False with
    /// <paramref name="never"/> set when the errno says these two file systems cannot clone at all (EOPNOTSUPP, EXDEV,
    /// ENOTTY, ENOSYS): the caller need not try again for files in the same places.
    /// </summary>
    public static bool TryClone(SafeFileHandle source, SafeFileHandle target, out bool never)
    {
        never = false;
        if (!OperatingSystem.IsLinux()) { never = true; return false; }
        try
        {
            if (IoctlFd(Fd(target), FileClone, Fd(source)) == 0) return true;
        }
        catch (EntryPointNotFoundException) { never = true; return false; }
        catch (DllNotFoundException) { never = true; return false; }
        never = Marshal.GetLastPInvokeError() is NotSupported or CrossDevice or NotATypewriter or NoSuchCall;
        return false;
    }

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PWrite(int fd, byte* buffer, nint count, long offset);

    /// <summary>pwrite(2) of a whole buffer at an offset, retried when interrupted or short.</summary>
    public static unsafe void WriteAt(SafeFileHandle handle, ReadOnlySpan<byte> buffer, long offset)
    {
        fixed (byte* start = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = PWrite(Fd(handle), start + done, buffer.Length - done, offset + done);
                if (n > 0) { done += (int)n; continue; }
                // A regular file takes at least one byte of a non-empty write, or says why not.
                if (n == 0) throw new IOException("write wrote nothing");
                if (Marshal.GetLastPInvokeError() != Interrupted) throw Failure("write");
            }
        }
    }

    /// <summary>rename(2); false when it fails (or does not exist), for the caller to try the .NET way.</summary>
    public static bool TryRename(string from, string to)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return Rename(from, to) == 0; }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
