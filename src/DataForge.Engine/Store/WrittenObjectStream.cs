namespace DataForge.Engine.Store;

/// <summary>
/// An object opened for reading that this process stored in this build (<see cref="ObjectStore.WrittenHere"/>): its bytes
/// were hashed from memory as they were written, so a stage reading it need not hash them again (the published copy of
/// such an object is not checked either). Otherwise the file's own stream, seekable as it is.
/// </summary>
internal sealed class WrittenObjectStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
