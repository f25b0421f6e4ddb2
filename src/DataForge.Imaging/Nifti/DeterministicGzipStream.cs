using System.IO.Compression;

namespace DataForge.Imaging.Nifti;

/// <summary>
/// A gzip writer whose bytes depend only on the data and the compression level: zlib already
/// writes no file name and a zero mtime; this also pins the OS byte (RFC 1952 2.3.1: 255,
/// unknown), which zlib sets from the platform it was built for. The deflate body comes from the
/// zlib bundled with .NET, so identical bytes are expected on the same runtime version.
/// </summary>
internal sealed class DeterministicGzipStream : Stream
{
    private const int OsByte = 9;
    private readonly GZipStream _gzip;

    public DeterministicGzipStream(Stream output, int level)
    {
        if (level is < 1 or > 9)
            throw new ArgumentOutOfRangeException(nameof(level), level, "gzip compression level must be 1 to 9");
        _gzip = new GZipStream(new HeaderPin(output), new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => _gzip.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => _gzip.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => _gzip.Write(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gzip.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Passes bytes through, rewriting the gzip header's mtime (bytes 4..7) and OS byte (9).</summary>
    private sealed class HeaderPin(Stream inner) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written <= OsByte && buffer.Length > 0)
            {
                var head = buffer[..(int)Math.Min(buffer.Length, OsByte + 1 - _written)].ToArray();
                for (var i = 0; i < head.Length; i++)
                {
                    var at = _written + i;
                    if (at is >= 4 and <= 7) head[i] = 0;
                    if (at == OsByte) head[i] = 255;
                }
                inner.Write(head);
                _written += head.Length;
                buffer = buffer[head.Length..];
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }
    }
}
