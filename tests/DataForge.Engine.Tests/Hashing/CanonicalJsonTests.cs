using DataForge.Engine.Hashing;
using Xunit;

namespace DataForge.Engine.Tests.Hashing;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Member_order_and_whitespace_do_not_change_the_canonical_form()
    {
        var a = CanonicalJson.Parse("""{ "b": [1, {"y": 2, "x": 1}], "a": "é" }""");
        var b = CanonicalJson.Parse("""{"a":"é","b":[1,{"x":1,"y":2}]}""");

        Assert.Equal("""{"a":"é","b":[1,{"x":1,"y":2}]}""", a.Text);
        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void Array_order_and_values_do_change_it()
    {
        Assert.NotEqual(CanonicalJson.Parse("[1,2]").Hash, CanonicalJson.Parse("[2,1]").Hash);
        Assert.NotEqual(CanonicalJson.Parse("""{"a":1}""").Hash, CanonicalJson.Parse("""{"a":"1"}""").Hash);
    }

    [Fact]
    public void Content_hashes_are_sha256_in_lower_case_hex()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ContentHash.Of("abc"u8).Hex);
        using var stream = new MemoryStream("abc"u8.ToArray());
        Assert.Equal(ContentHash.Of("abc"u8), ContentHash.Of(stream));
    }

    [Fact]
    public void Key_fields_are_length_prefixed_so_moving_a_boundary_changes_the_key()
    {
        using var one = new KeyHasher("t");
        using var two = new KeyHasher("t");

        Assert.NotEqual(one.Add('a', "ab").Add('a', "c").Finish(), two.Add('a', "a").Add('a', "bc").Finish());
    }
}
