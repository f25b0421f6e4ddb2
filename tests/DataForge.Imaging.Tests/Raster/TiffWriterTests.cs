using System.Globalization;
using System.Text.RegularExpressions;
using DataForge.Imaging.Raster;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Raster;

/// <summary>
/// TIFF files from DataForge's writer, read back by libtiff (tiffinfo, tiffdump), Pillow and DataForge's own reader:
/// the samples written, the resolution of the spacing, no tag beyond the baseline ones, the same bytes every time.
/// </summary>
public sealed class TiffWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-tiff-writer");

    public void Dispose() => _dir.Dispose();

    private const int W = 37, H = 23;

    public static TheoryData<string> Kinds => new() { "grey8", "grey16", "rgb8", "rgb16", "float" };

    private static (byte[] File, byte[] Samples, int Spp, int Bytes) Write(string kind, double[]? spacing)
    {
        var rng = new Random(kind.Length * 31 + 7);
        switch (kind)
        {
            case "grey8" or "rgb8":
            {
                var spp = kind == "rgb8" ? 3 : 1;
                var s = new byte[W * H * spp];
                rng.NextBytes(s);
                return (TiffWriter.Encode8(s, W, H, spp, spacing), s, spp, 1);
            }
            case "grey16" or "rgb16":
            {
                var spp = kind == "rgb16" ? 3 : 1;
                var s = Enumerable.Range(0, W * H * spp).Select(_ => (ushort)rng.Next(65536)).ToArray();
                return (TiffWriter.Encode16(s, W, H, spp, spacing), s.SelectMany(BitConverter.GetBytes).ToArray(), spp, 2);
            }
            default:
            {
                // Every kind of float: normal, tiny (subnormal), huge, negative zero, infinities, a NaN with a payload.
                var s = Enumerable.Range(0, W * H).Select(_ => BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue))).ToArray();
                s[0] = -0f; s[1] = float.PositiveInfinity; s[2] = float.NegativeInfinity; s[3] = BitConverter.Int32BitsToSingle(0x7FC0_1234); s[4] = float.Epsilon;
                return (TiffWriter.EncodeFloat(s, W, H, spacing), s.SelectMany(BitConverter.GetBytes).ToArray(), 1, 4);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DataForge_reads_back_every_sample_and_the_same_input_gives_the_same_bytes(string kind)
    {
        var (file, samples, spp, bytes) = Write(kind, [0.25, 0.5]);
        Assert.Equal(file, Write(kind, [0.25, 0.5]).File);
        var image = TiffDecoder.Decode(file);
        Assert.Equal(kind == "float", image.Float);
        Assert.Equal((W, H, spp, bytes * 8), (image.Width, image.Height, image.SamplesPerPixel, image.BitsAllocated));
        Assert.Equal(samples, image.Frames[0]);
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Libtiff_and_Pillow_read_the_samples_and_the_resolution_and_find_only_baseline_tags(string kind)
    {
        var python = Oracle.RequirePython("PIL", "numpy");
        Oracle.Require("tiffinfo");
        var (file, samples, spp, bytes) = Write(kind, [0.25, 0.5]);
        var path = _dir.Combine(kind + ".tif");
        File.WriteAllBytes(path, file);
        var info = Oracle.Run("tiffinfo", ["-D", path]);
        Assert.True(info.ExitCode == 0 && !info.StandardError.Contains("Warning", StringComparison.OrdinalIgnoreCase), info.StandardError);
        Assert.Contains($"Image Width: {W} Image Length: {H}", info.StandardOutput);
        // Spacing is (row, column): X is 10 mm over the 0.5 mm between columns, Y 10 mm over the 0.25 mm between rows.
        Assert.True(info.StandardOutput.Contains("Resolution: 20, 40 pixels/cm", StringComparison.Ordinal), info.StandardOutput);
        var dump = Oracle.Run("tiffdump", [path]);
        // Entries print as "ImageWidth (256) SHORT (3) 1<37>".
        var tags = dump.StandardOutput.Split('\n').Select(l => Regex.Match(l, @"^\S+ \((\d+)\) [A-Z]")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([256, 257, 258, 259, 262, 273, 277, 278, 279, 282, 283, 284, 296, 339], tags);
        // Pillow's samples, little-endian; it reads 16-bit RGB as 8-bit (the high byte of each sample).
        var script = """
            import sys, numpy as np
            from PIL import Image
            a = np.array(Image.open(sys.argv[1]))
            sys.stdout.write(a.astype(a.dtype.newbyteorder("<")).tobytes().hex())
            """;
        var pillow = Convert.FromHexString(Oracle.Run(python, ["-c", script, path]).StandardOutput.Trim());
        var expected = kind == "rgb16" ? samples.Where((_, i) => i % 2 == 1).ToArray() : samples;
        Assert.Equal(expected, pillow);
    }

    [Fact]
    public void Without_a_spacing_the_resolution_has_no_unit()
    {
        var file = TiffWriter.Encode8(new byte[4], 2, 2, 1);
        // ResolutionUnit (296) SHORT 1 value 1: the last entry but one.
        var ifd = BitConverter.ToInt32(file, 4);
        var entries = BitConverter.ToUInt16(file, ifd);
        var unit = Enumerable.Range(0, entries).Select(i => ifd + 2 + 12 * i).Single(at => BitConverter.ToUInt16(file, at) == 296);
        Assert.Equal(1, BitConverter.ToUInt16(file, unit + 8));
    }
}
