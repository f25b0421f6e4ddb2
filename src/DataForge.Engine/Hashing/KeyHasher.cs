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
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Starts a digest with a domain label, so keys of different kinds never collide.</summary>
    public KeyHasher(string domain) => Add('d', domain);

    public KeyHasher Add(char tag, string value) => Add(tag, Encoding.UTF8.GetBytes(value));

    public KeyHasher Add(char tag, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Add(tag, bytes);
    }

    public KeyHasher Add(char tag, ContentHash value) => Add(tag, value.Hex);

    public KeyHasher Add(char tag, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = checked((byte)tag);
        BinaryPrimitives.WriteInt64LittleEndian(header[1..], value.Length);
        _hash.AppendData(header);
        _hash.AppendData(value);
        return this;
    }

    /// <summary>The digest of everything added so far.</summary>
    public ContentHash Finish() => ContentHash.FromDigest(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
