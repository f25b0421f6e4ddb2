using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DataForge.Engine.Hashing;

/// <summary>
/// A SHA-256 digest: of a file's content, a metadata document or an action. Held as its 32 bytes
/// (four big-endian words, so comparing them orders hashes as their hex text does); the hex text is
/// made only when asked for. A build holds several per item: as strings they cost five times more.
/// </summary>
public readonly record struct ContentHash : IComparable<ContentHash>
{
    private readonly ulong _w0, _w1, _w2, _w3;

    private ContentHash(ReadOnlySpan<byte> digest)
    {
        _w0 = BinaryPrimitives.ReadUInt64BigEndian(digest);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(digest[8..]);
        _w2 = BinaryPrimitives.ReadUInt64BigEndian(digest[16..]);
        _w3 = BinaryPrimitives.ReadUInt64BigEndian(digest[24..]);
    }

    /// <summary>64 lower-case hex digits.</summary>
    public string Hex => string.Create(64, this, static (chars, hash) =>
    {
        Span<byte> digest = stackalloc byte[32];
        hash.CopyTo(digest);
        Convert.TryToHexStringLower(digest, chars, out _);
    });

    /// <summary>The first 12 hex digits: enough to name an item in a message.</summary>
    public string Short => Hex[..12];

    /// <summary>Digest of a byte span.</summary>
    public static ContentHash Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return new ContentHash(digest);
    }

    /// <summary>Digest of a stream read to its end, in pooled 256 KiB blocks (one-shot when it fits in one).</summary>
    public static ContentHash Of(Stream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 18);
        try
        {
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = stream.Read(buffer, filled, buffer.Length - filled)) > 0) filled += read;
            if (filled < buffer.Length) return Of(buffer.AsSpan(0, filled));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(buffer, 0, filled);
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, read);
            Span<byte> digest = stackalloc byte[32];
            hash.GetHashAndReset(digest);
            return new ContentHash(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Wraps a 32-byte digest.</summary>
    public static ContentHash FromDigest(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32) throw new ArgumentException("a SHA-256 digest has 32 bytes", nameof(digest));
        return new ContentHash(digest);
    }

    /// <summary>The 32 bytes of the digest (as state.db stores it).</summary>
    public byte[] ToDigest()
    {
        var digest = new byte[32];
        CopyTo(digest);
        return digest;
    }

    /// <summary>Writes the 32 bytes of the digest.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>Writes the 64 lower-case hex digits as ASCII (the bytes of <see cref="Hex"/> in UTF-8), with no string made.</summary>
    public void WriteHexUtf8(Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[32];
        CopyTo(digest);
        for (var i = 0; i < 32; i++)
        {
            destination[2 * i] = (byte)"0123456789abcdef"[digest[i] >> 4];
            destination[2 * i + 1] = (byte)"0123456789abcdef"[digest[i] & 15];
        }
    }

    /// <summary>Parses 64 hex digits (as stored in state.db).</summary>
    public static ContentHash Parse(string hex)
    {
        Span<byte> digest = stackalloc byte[32];
        if (hex.Length != 64 || Convert.FromHexString(hex, digest, out _, out var written) != OperationStatus.Done || written != 32)
            throw new FormatException("a content hash is 64 hex digits");
        return new ContentHash(digest);
    }

    /// <summary>Orders as the hex digits do (ordinal).</summary>
    public int CompareTo(ContentHash other)
    {
        var c = _w0.CompareTo(other._w0);
        if (c == 0) c = _w1.CompareTo(other._w1);
        if (c == 0) c = _w2.CompareTo(other._w2);
        if (c == 0) c = _w3.CompareTo(other._w3);
        return c;
    }

    public override string ToString() => Hex;
}
