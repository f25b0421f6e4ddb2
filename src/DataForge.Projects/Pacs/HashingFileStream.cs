using System.Security.Cryptography;

namespace DataForge.Projects.Pacs;

/// <summary>A file being written that hashes (SHA-256) what passes through, so a download is read from the network once and never again to name it.</summary>
internal sealed class HashingFileStream(string path) : Stream
{
    private readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string Path { get; } = path;

    /// <summary>Bytes written.</summary>
    public long Written { get; private set; }

    /// <summary>The SHA-256 of everything written, hex; call once, after the last write.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _file.Write(buffer);
        Written += buffer.Length;
    }

    // A local write of a chunk the network delivered: done in place, a thread-pool hop per chunk would cost more than it.
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override void Flush() => _file.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _hash.Dispose();
        await base.DisposeAsync();
    }
}
