using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DataForge.Engine.Hashing;

/// <summary>
/// Builds a digest from a sequence of fields. Each field is written as a one-byte tag, a 64-bit
/// length and its bytes, so no two different field sequences can produce the same byte stream.
/// </summary>
public sealed class KeyHasher : IDisposable
{
    // Fields are gathered in a buffer and hashed once: keys are small, and one-shot SHA-256 is far
    // cheaper than an incremental context per key (a no-op build computes one per action).
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Starts a digest with a domain label, so keys of different kinds never collide.</summary>
    public KeyHasher(string domain) => Add('d', domain);

    public KeyHasher Add(char tag, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(tag, length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
        return this;
    }

    public KeyHasher Add(char tag, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Add(tag, bytes);
    }

    /// <summary>A hash as its 64 hex digits (the same bytes as <c>Add(tag, value.Hex)</c>, without the string).</summary>
    public KeyHasher Add(char tag, ContentHash value)
    {
        WriteHeader(tag, 64);
        value.WriteHexUtf8(_buffer.GetSpan(64));
        _buffer.Advance(64);
        return this;
    }

    public KeyHasher Add(char tag, ReadOnlySpan<byte> value)
    {
        WriteHeader(tag, value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>The digest of everything added so far.</summary>
    public ContentHash Finish()
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(_buffer.WrittenSpan, digest);
        return ContentHash.FromDigest(digest);
    }

    public void Dispose() => _buffer.Clear();

    private void WriteHeader(char tag, long length)
    {
        var header = _buffer.GetSpan(9);
        header[0] = checked((byte)tag);
        BinaryPrimitives.WriteInt64LittleEndian(header[1..], length);
        _buffer.Advance(9);
    }
}
