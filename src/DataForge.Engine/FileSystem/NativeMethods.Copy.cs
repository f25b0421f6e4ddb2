using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// Copying a store object into a new file inside the kernel: the output folder's copy of each object is the second
/// write of its bytes, and a read(2)/write(2) loop added a copy out to user space and back for every byte.
/// </summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static unsafe partial nint CopyFileRange(int fdIn, long* offIn, int fdOut, long* offOut, nint length, uint flags);

    [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    private static unsafe partial nint SendFile(int fdOut, int fdIn, long* offset, nint count);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlFd(int fd, nuint request, int source);

    private const int NotSupported = 95; // EOPNOTSUPP
    private const int CrossDevice = 18; // EXDEV
    private const int NoSuchCall = 38; // ENOSYS
    private const int NotATypewriter = 25; // ENOTTY: the file system has no such ioctl
    private const int InvalidArgument = 22; // EINVAL
    private const int IsAFolder = 21; // EISDIR

    /// <summary>The largest count one copy call is asked for (sendfile copies at most 0x7ffff000 bytes a call anyway).</summary>
    private const int CopyChunk = 0x7ffff000;

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

    /// <summary>
    /// Copies <paramref name="source"/> whole into the new, empty <paramref name="target"/> with copy_file_range(2)
    /// (<paramref name="mayShare"/>: a file system may then share blocks, or copy on the server) or sendfile(2) (always
    /// a copy of the bytes). Returns the bytes copied; when the kernel cannot (no such call, these files not supported)
    /// it stops there with <paramref name="finished"/> false, and the caller copies the rest itself from that offset.
    /// </summary>
    public static unsafe long CopyInKernel(SafeFileHandle source, SafeFileHandle target, bool mayShare, out bool finished)
    {
        finished = false;
        long offset = 0;
        if (!OperatingSystem.IsLinux()) return offset;
        var from = Fd(source);
        var to = Fd(target);
        while (true)
        {
            nint n;
            var inOffset = offset;
            var outOffset = offset;
            try
            {
                // sendfile writes at the target's own position: that of a new file, which each call has moved to offset.
                n = mayShare ? CopyFileRange(from, &inOffset, to, &outOffset, CopyChunk, 0) : SendFile(to, from, &inOffset, CopyChunk);
            }
            catch (EntryPointNotFoundException) { return offset; }
            catch (DllNotFoundException) { return offset; }
            if (n == 0)
            {
                finished = true;
                return offset;
            }
            if (n > 0)
            {
                offset += n;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Interrupted) continue;
            // Not for these files or this kernel: the caller's read/write loop goes on from here.
            if (errno is NotSupported or CrossDevice or NoSuchCall or InvalidArgument or IsAFolder) return offset;
            throw Failure(mayShare ? "copy_file_range" : "sendfile");
        }
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
                if (n >= 0) { done += (int)n; continue; }
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
