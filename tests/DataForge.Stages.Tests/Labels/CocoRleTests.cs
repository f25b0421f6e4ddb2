using System.Text.Json;
using DataForge.Stages.Labels;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Labels;

public sealed class CocoRleTests
{
    private const int Height = 37, Width = 53;

    /// <summary>Masks with short and long runs (counts of one to several characters, deltas either way), empty and full.</summary>
    private static List<byte[]> Masks()
    {
        var random = new Random(11);
        var masks = new List<byte[]> { new byte[Height * Width], Enumerable.Repeat((byte)1, Height * Width).ToArray() };
        for (var n = 0; n < 6; n++)
        {
            var m = new byte[Height * Width];
            var density = 0.05 + n * 0.15;
            for (var i = 0; i < m.Length; i++) m[i] = random.NextDouble() < density ? (byte)1 : (byte)0;
            masks.Add(m);
        }
        var disc = new byte[Height * Width];
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                disc[y * Width + x] = (x - 30) * (x - 30) + (y - 15) * (y - 15) < 120 ? (byte)1 : (byte)0;
        masks.Add(disc);
        return masks;
    }

    private static JsonElement Run(string python, string command, object input)
    {
        var run = Oracle.Run(python, [Path.Combine(AppContext.BaseDirectory, "Oracles", "coco_rle.py"), command], standardInput: JsonSerializer.Serialize(input));
        Assert.True(run.ExitCode == 0, run.StandardError);
        return JsonDocument.Parse(run.StandardOutput).RootElement.Clone();
    }

    [SkippableFact]
    public void Strings_encoded_by_a_numpy_implementation_decode_to_the_same_masks_and_back()
    {
        var python = Oracle.RequirePython("numpy");
        var masks = Masks();
        var encoded = Run(python, "encode", new { height = Height, width = Width, masks = masks.Select(m => m.Select(b => (int)b)) });
        var strings = encoded.GetProperty("counts").EnumerateArray().Select(s => s.GetString()!).ToList();
        var runs = encoded.GetProperty("runs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToList();
        for (var i = 0; i < masks.Count; i++)
        {
            Assert.Equal(runs[i], CocoRle.Decode(strings[i]));
            Assert.Equal(masks[i], CocoRle.ToMask(CocoRle.Decode(strings[i]), Height, Width));
            Assert.Equal(runs[i], CocoRle.FromMask(masks[i], Height, Width));
            Assert.Equal(strings[i], CocoRle.Encode(CocoRle.FromMask(masks[i], Height, Width)));
        }
    }

    [SkippableFact]
    public void Strings_encoded_here_decode_with_the_numpy_implementation()
    {
        var python = Oracle.RequirePython("numpy");
        var masks = Masks();
        var decoded = Run(python, "decode", new { height = Height, width = Width, counts = masks.Select(m => CocoRle.Encode(CocoRle.FromMask(m, Height, Width))) });
        Assert.Equal(masks.Select(m => m.Select(b => (int)b).ToArray()),
            decoded.GetProperty("masks").EnumerateArray().Select(m => m.EnumerateArray().Select(v => v.GetInt32()).ToArray()));
    }

    [Fact]
    public void Bounds_are_whole_pixels_from_the_top_left()
    {
        var mask = new byte[4 * 5];
        mask[1 * 5 + 2] = 1;
        mask[3 * 5 + 3] = 1;
        Assert.Equal(new double[] { 2, 1, 2, 3 }, CocoRle.Bounds(mask, 4, 5));
        Assert.Null(CocoRle.Bounds(new byte[20], 4, 5));
    }

    [Theory]
    [InlineData("0")]      // a count covering none of the 9 pixels
    [InlineData("6")]      // 6 of the 9 pixels
    [InlineData("a")]      // a count that never ends
    [InlineData("~")]      // outside the alphabet
    public void Malformed_strings_and_counts_that_do_not_cover_the_image_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => CocoRle.ToMask(CocoRle.Decode(text), 3, 3));
    }
}
