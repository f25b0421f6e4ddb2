using Microsoft.Win32.SafeHandles;

namespace DataForge.Engine.FileSystem;

/// <summary>
/// A seekable, unbuffered read-only stream over an open file, read with pread(2) at its own position. What
/// <see cref="PhysicalFileSystem.OpenRead"/> returns on Linux: a FileStream over the same descriptor would add two
/// lseek calls to each open (every source file is opened by each stage that reads it); readers here read in blocks
/// of their own, as they did from the unbuffered FileStream before.
/// </summary>
internal sealed class ReadOnlyFile : Stream
{
    private readonly SafeFileHandle _handle;
    private long _position;

    public ReadOnlyFile(SafeFileHandle handle) => _handle = handle;

    public override bool CanRead => !_handle.IsClosed;
    public override bool CanSeek => !_handle.IsClosed;
    public override bool CanWrite => false;

    /// <summary>The file's size now (asked of the file each time, as a FileStream does).</summary>
    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return NativeMethods.SizeOf(_handle);
        }
    }

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (buffer.IsEmpty) return 0;
        var n = NativeMethods.ReadAt(_handle, buffer, _position);
        _position += n;
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        var to = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (to < 0) throw new IOException("seek before the start of the file");
        return _position = to;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException("a read-only file");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("a read-only file");

    protected override void Dispose(bool disposing)
    {
        if (disposing) _handle.Dispose();
        base.Dispose(disposing);
    }
}
