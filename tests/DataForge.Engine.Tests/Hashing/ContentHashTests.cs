using System.Security.Cryptography;
using DataForge.Engine.Hashing;
using Xunit;

namespace DataForge.Engine.Tests.Hashing;

public sealed class ContentHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((1 << 18) - 1)]
    [InlineData(1 << 18)]
    [InlineData((1 << 18) + 1)]
    [InlineData(3 * (1 << 18) + 12345)]
    public void A_streamed_hash_equals_sha256_of_the_whole_content_at_every_block_boundary(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        using var stream = new MemoryStream(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), ContentHash.Of(stream).Hex);
    }

    [Fact]
    public void Parsing_accepts_upper_case_hex_and_rejects_anything_else()
    {
        var hex = ContentHash.Of("x"u8).Hex;

        Assert.Equal(hex, ContentHash.Parse(hex.ToUpperInvariant()).Hex);
        Assert.Throws<FormatException>(() => ContentHash.Parse(hex[..63] + "g"));
        Assert.Throws<FormatException>(() => ContentHash.Parse(hex[..62]));
    }
}
