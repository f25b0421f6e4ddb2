using System.Buffers;
using System.Security.Cryptography;

namespace DataForge.Engine.Hashing;

/// <summary>A SHA-256 digest in lower-case hex: of a file's content, a metadata document or an action.</summary>
public readonly record struct ContentHash
{
    private ContentHash(string hex) => Hex = hex;

    /// <summary>64 lower-case hex digits.</summary>
    public string Hex { get; }

    /// <summary>The first 12 hex digits: enough to name an item in a message.</summary>
    public string Short => Hex[..12];

    /// <summary>Digest of a byte span.</summary>
    public static ContentHash Of(ReadOnlySpan<byte> bytes) => FromDigest(SHA256.HashData(bytes));

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
            return FromDigest(hash.GetHashAndReset());
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
        return new ContentHash(Convert.ToHexStringLower(digest));
    }

    /// <summary>The 32 bytes of the digest (as state.db stores it).</summary>
    public byte[] ToDigest() => Convert.FromHexString(Hex);

    /// <summary>Parses 64 hex digits (as stored in state.db).</summary>
    public static ContentHash Parse(string hex)
    {
        if (hex.Length != 64) throw new FormatException("a content hash is 64 hex digits");
        foreach (var c in hex)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return new ContentHash(hex.All(char.IsAsciiHexDigit) ? hex.ToLowerInvariant() : throw new FormatException("a content hash is 64 hex digits"));
        return new ContentHash(hex);
    }

    public override string ToString() => Hex;
}
