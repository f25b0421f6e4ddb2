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

    [Fact]
    public void Hashes_order_as_their_hex_digits_do()
    {
        var hashes = Enumerable.Range(0, 500).Select(i => ContentHash.Of(BitConverter.GetBytes(i))).ToList();

        Assert.Equal(hashes.Select(h => h.Hex).Order(StringComparer.Ordinal), hashes.Order().Select(h => h.Hex));
        Assert.Equal(ContentHash.Parse(hashes[7].Hex), hashes[7]);
        Assert.Equal(hashes[7].Hex, Convert.ToHexStringLower(hashes[7].ToDigest()));
    }

    [Fact]
    public void A_key_field_holding_a_hash_hashes_its_hex_digits_so_keys_stay_those_of_earlier_builds()
    {
        var hash = ContentHash.Of("content"u8);
        using var asHash = new KeyHasher("test");
        using var asText = new KeyHasher("test");

        var fromHash = asHash.Add('h', hash).Add('z', 7).Finish();
        var fromText = asText.Add('h', hash.Hex).Add('z', 7).Finish();

        Assert.Equal(fromText, fromHash);
        // The field layout itself (tag, 64-bit length, bytes), computed here independently.
        var expected = new List<byte>();
        void Field(char tag, byte[] bytes)
        {
            expected.Add((byte)tag);
            expected.AddRange(BitConverter.GetBytes((long)bytes.Length));
            expected.AddRange(bytes);
        }
        Field('d', "test"u8.ToArray());
        Field('h', System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData("content"u8))));
        Field('z', BitConverter.GetBytes(7L));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected.ToArray())), fromHash.Hex);
    }
}
