using System.Security.Cryptography;
using DataForge.Engine.Hashing;

namespace DataForge.Engine.Building;

/// <summary>A read-only stream that hashes what passes through and, at the end, checks it against the expected hash.</summary>
internal sealed class VerifyingStream(Stream inner, ContentHash expected) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (n > 0) _hash.AppendData(buffer[..n]);
        else if (!_checked && buffer.Length > 0)
        {
            _checked = true;
            if (ContentHash.FromDigest(_hash.GetHashAndReset()) != expected) throw new InputChangedException();
        }
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
