using System.Text.Json;
using DataForge.Imaging.Png;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Png;

public sealed class PngWriterTests
{
    public static TheoryData<string, int, int> Shapes => new()
    {
        { "L", 1, 1 }, { "L", 37, 5 }, { "I;16", 1, 9 }, { "I;16", 33, 17 }, { "RGB", 1, 1 }, { "RGB", 13, 7 },
    };

    private static byte[] Encode(string mode, int width, int height, int seed, out int[] samples)
    {
        var random = new Random(seed);
        switch (mode)
        {
            case "L":
                var grey = new byte[width * height];
                random.NextBytes(grey);
                samples = grey.Select(b => (int)b).ToArray();
                return PngWriter.Encode8(grey, width, height);
            case "RGB":
                var rgb = new byte[3 * width * height];
                random.NextBytes(rgb);
                samples = rgb.Select(b => (int)b).ToArray();
                return PngWriter.EncodeRgb8(rgb, width, height);
            default:
                var wide = Enumerable.Range(0, width * height).Select(_ => (ushort)random.Next(0, 65536)).ToArray();
                wide[0] = 65535; // the top sample survives as itself, not as a signed value
                samples = wide.Select(v => (int)v).ToArray();
                return PngWriter.Encode16(wide, width, height);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void PIL_reads_back_the_same_samples(string mode, int width, int height)
    {
        Oracle.RequirePython("PIL", "numpy");
        using var temp = new TempDirectory("png-writer");
        var path = temp.Combine("image.png");
        File.WriteAllBytes(path, Encode(mode, width, height, seed: width * 31 + height, out var samples));
        using var doc = JsonDocument.Parse(Nibabel.Run("png", path));
        var root = doc.RootElement;
        // PIL opens 16-bit greyscale as "I" (32-bit integers) in some versions, "I;16" in others.
        Assert.Contains(root.GetProperty("mode").GetString(), mode == "I;16" ? ["I", "I;16"] : new[] { mode });
        Assert.Equal(new[] { width, height }, root.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Empty(root.GetProperty("info").EnumerateArray());
        Assert.Equal(samples, root.GetProperty("pixels").EnumerateArray().Select(e => e.GetInt32()));
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void Pngcheck_finds_the_file_valid_with_only_IHDR_IDAT_IEND(string mode, int width, int height)
    {
        var pngcheck = Oracle.Require("pngcheck");
        using var temp = new TempDirectory("png-writer");
        var path = temp.Combine("image.png");
        File.WriteAllBytes(path, Encode(mode, width, height, seed: 7, out _));
        var result = Oracle.Run(pngcheck, ["-v", path]);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var chunks = result.StandardOutput.Split('\n').Where(l => l.TrimStart().StartsWith("chunk ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[1]).ToArray();
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, chunks);
        Assert.Contains(mode == "RGB" ? "24-bit RGB" : mode == "L" ? "8-bit grayscale" : "16-bit grayscale", result.StandardOutput);
    }

    [SkippableTheory]
    [InlineData(16)]
    [InlineData(12)]
    public void Pngcheck_finds_16_bit_rgb_valid_with_sbit_only_when_fewer_bits_are_significant(int bits)
    {
        var pngcheck = Oracle.Require("pngcheck");
        using var temp = new TempDirectory("png-writer");
        var path = temp.Combine("image.png");
        var samples = Enumerable.Range(0, 9 * 5 * 3).Select(i => (ushort)(i * 97 % (1 << bits))).ToArray();
        File.WriteAllBytes(path, PngWriter.EncodeRgb16(samples, 9, 5, bits));
        var result = Oracle.Run(pngcheck, ["-v", path]);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var chunks = result.StandardOutput.Split('\n').Where(l => l.TrimStart().StartsWith("chunk ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[1]).ToArray();
        Assert.Equal(bits == 16 ? ["IHDR", "IDAT", "IEND"] : new[] { "IHDR", "sBIT", "IDAT", "IEND" }, chunks);
        Assert.Contains("48-bit RGB", result.StandardOutput);
    }

    [Fact]
    public void The_same_samples_give_the_same_bytes()
    {
        Assert.Equal(Encode("RGB", 13, 7, 3, out _), Encode("RGB", 13, 7, 3, out _));
        Assert.NotEqual(Encode("RGB", 13, 7, 3, out _), Encode("RGB", 13, 7, 4, out _));
    }

    [Fact]
    public void A_sample_count_that_does_not_fit_the_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.EncodeRgb8(new byte[10], 2, 2));
        Assert.Throws<ArgumentException>(() => PngWriter.Encode8(new byte[4], 0, 4));
    }
}
