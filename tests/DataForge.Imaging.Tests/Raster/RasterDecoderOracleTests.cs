using Xunit;
using System.Buffers.Binary;
using System.Text.Json;
using DataForge.Imaging.Raster;
using DataForge.Testing;

namespace DataForge.Imaging.Tests.Raster;

/// <summary>
/// PNG, TIFF and BMP files written by Pillow (and re-laid by libtiff's tiffcp: tiles, big-endian, predictors) decode to the
/// samples Pillow decodes from them, in every layout the image sources read; 64-bit float TIFF to the array written.
/// </summary>
public sealed class RasterDecoderOracleTests : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-raster-oracle");

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Every_layout_decodes_to_the_samples_Pillow_decodes()
    {
        var python = Oracle.RequirePython("PIL", "numpy");
        Oracle.Require("tiffcp");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Imaging.Tests", "Oracles", "write_raster_cases.py");
        var written = Oracle.Run(python, [script, _dir.Path]);
        Assert.True(written.ExitCode == 0, written.StandardError);
        using var cases = JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("cases.json")));
        var checkedFiles = new List<string>();
        foreach (var c in cases.RootElement.EnumerateArray())
        {
            var name = c.GetProperty("file").GetString()!;
            var bytes = File.ReadAllBytes(_dir.Combine(name));
            var format = PngDecoder.IsPng(bytes) ? "PNG" : TiffDecoder.IsTiff(bytes) ? "TIFF" : "BMP";
            Func<RasterImage> decode = format switch
            {
                "PNG" => () => PngDecoder.Decode(bytes),
                "TIFF" => () => TiffDecoder.Decode(bytes),
                _ => () => BmpDecoder.Decode(bytes),
            };
            if (c.TryGetProperty("refused", out var why))
            {
                var e = Assert.Throws<RasterFormatException>(decode);
                Assert.Contains(why.GetString()!, e.Message);
                continue;
            }
            var image = decode();
            Assert.Equal(c.GetProperty("width").GetInt32(), image.Width);
            Assert.Equal(c.GetProperty("height").GetInt32(), image.Height);
            Assert.True(c.GetProperty("spp").GetInt32() == image.SamplesPerPixel, name);
            Assert.True(c.GetProperty("frames").GetInt32() == image.Frames.Count, name);
            var expected = File.ReadAllBytes(_dir.Combine(c.GetProperty("samples").GetString()!));
            var size = c.GetProperty("bytes").GetInt32();
            var ours = image.Frames.SelectMany(f => f).ToArray();
            // Pillow shows a 1-bit image as 0/1 (mode 1 as bool): the stored values DataForge keeps (Bits Stored 1).
            Assert.True(size == image.BitsAllocated / 8, $"{name}: {size} bytes per sample in Pillow, {image.BitsAllocated} bits here");
            Assert.True(expected.Length == ours.Length, $"{name}: {ours.Length} bytes of samples, Pillow {expected.Length}");
            if (c.TryGetProperty("tolerance", out _))
            {
                ChromaUpsamplingOnly(name, expected, ours);
                checkedFiles.Add(name);
                continue;
            }
            Assert.True(expected.AsSpan().SequenceEqual(ours), $"{name}: samples differ from Pillow's (first at {FirstDifference(expected, ours)}, largest difference {Enumerable.Range(0, ours.Length).Max(i => Math.Abs(ours[i] - expected[i]))})");
            checkedFiles.Add(name);
        }
        Assert.True(checkedFiles.Count >= 48, string.Join(", ", checkedFiles));
    }

    [SkippableFact]
    public void Damaged_JPEG_YCbCr_CMYK_and_float_TIFF_and_RLE_bitmaps_fail_only_as_format_errors()
    {
        var python = Oracle.RequirePython("PIL", "numpy");
        Oracle.Require("tiffcp");
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Imaging.Tests", "Oracles", "write_raster_cases.py");
        Assert.Equal(0, Oracle.Run(python, [script, _dir.Path]).ExitCode);
        var rng = new Random(99);
        foreach (var name in new[] { "jpeg_ycbcr.tif", "jpeg_ycbcr_tiles.tif", "ycbcr_lzw.tif", "cmyk_be_tiles.tif", "rle8.bmp", "rle4_colour.bmp", "float32_lzw_pred3.tif", "float64_be_pred3.tif", "ycbcr_sub22.tif", "ycbcr_sub42.tif" })
        {
            var valid = File.ReadAllBytes(_dir.Combine(name));
            var failures = 0;
            void Check(byte[] bytes)
            {
                try { RasterDecode(bytes); }
                catch (RasterFormatException e) { Assert.True(e.Offset >= 0); failures++; }
            }
            for (var length = 0; length < valid.Length; length += Math.Max(1, valid.Length / 150)) Check(valid[..length]);
            for (var i = 0; i < 300; i++)
            {
                var damaged = (byte[])valid.Clone();
                for (var k = rng.Next(1, 4); k > 0; k--) damaged[rng.Next(damaged.Length)] ^= (byte)rng.Next(1, 256);
                Check(damaged);
            }
            Assert.True(failures > 0, name);
        }
    }

    private static RasterImage RasterDecode(byte[] bytes) =>
        TiffDecoder.IsTiff(bytes) ? TiffDecoder.Decode(bytes) : BmpDecoder.IsBmp(bytes) ? BmpDecoder.Decode(bytes) : throw new RasterFormatException(0, "neither");

    [Fact]
    public void A_truncated_PNG_fails_with_the_byte_offset_where_the_file_ends()
    {
        var png = DataForge.Imaging.Png.PngWriter.Encode8(new byte[64 * 64], 64, 64);
        var cut = png[..(png.Length - 20)];
        var e = Assert.Throws<RasterFormatException>(() => PngDecoder.Decode(cut));
        Assert.Equal(cut.Length, e.Offset);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_PNG_chunk_with_a_bad_CRC_fails_at_the_chunk()
    {
        var png = DataForge.Imaging.Png.PngWriter.Encode8(new byte[16], 4, 4);
        png[8 + 8 + 3] ^= 0x40; // a byte of IHDR's width
        var e = Assert.Throws<RasterFormatException>(() => PngDecoder.Decode(png));
        Assert.Equal(8, e.Offset);
        Assert.Contains("CRC", e.Message);
    }

    [Fact]
    public void A_TIFF_strip_pointing_outside_the_file_is_refused_before_it_is_read()
    {
        var tiff = MinimalTiff(stripOffset: 10_000);
        var e = Assert.Throws<RasterFormatException>(() => TiffDecoder.Decode(tiff));
        Assert.Equal(10_000, e.Offset);
        Assert.Contains("outside the file", e.Message);
        // The same file with its strip inside decodes.
        var good = TiffDecoder.Decode(MinimalTiff(stripOffset: 8));
        Assert.Equal([1, 2, 3, 4], good.Frames[0]);
    }

    [Fact]
    public void A_BMP_shorter_than_its_rows_fails_with_the_file_length()
    {
        var bmp = new byte[54 + 12];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 2);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(28), 24);
        var e = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(bmp));
        Assert.Equal(bmp.Length, e.Offset);
    }

    // A 2x2 8-bit greyscale little-endian TIFF: pixels at 8, one IFD after them.
    private static byte[] MinimalTiff(int stripOffset)
    {
        var entries = new (ushort Tag, ushort Type, uint Value)[]
        {
            (256, 3, 2), (257, 3, 2), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, (uint)stripOffset), (277, 3, 1), (278, 3, 2), (279, 4, 4),
        };
        var file = new byte[12 + 2 + entries.Length * 12 + 4];
        "II"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 12);
        file[8] = 1; file[9] = 2; file[10] = 3; file[11] = 4;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(12), (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var at = 14 + 12 * i;
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 2), entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 4), 1);
            if (entries[i].Type == 3) BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 8), (ushort)entries[i].Value);
            else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 8), entries[i].Value);
        }
        return file;
    }

    // JPEG-in-TIFF with subsampled chroma: LibJpeg.NET (inside LibTiff.NET) and libjpeg-turbo (inside Pillow) upsample
    // Cb and Cr differently, so the RGB differs where the colour changes from pixel to pixel. The brightness (BT.601 luma
    // of each pixel) must agree within rounding, and the colour on average within 2 levels per sample.
    private static void ChromaUpsamplingOnly(string name, byte[] expected, byte[] ours)
    {
        Assert.Equal(expected.Length, ours.Length);
        double worstLuma = 0, total = 0;
        for (var p = 0; p < ours.Length; p += 3)
        {
            double Luma(byte[] a) => 0.299 * a[p] + 0.587 * a[p + 1] + 0.114 * a[p + 2];
            worstLuma = Math.Max(worstLuma, Math.Abs(Luma(ours) - Luma(expected)));
            for (var k = 0; k < 3; k++) total += Math.Abs(ours[p + k] - expected[p + k]);
        }
        Assert.True(worstLuma <= 1.5, $"{name}: brightness differs from Pillow's by {worstLuma:0.00} levels");
        Assert.True(total / ours.Length <= 2, $"{name}: samples differ from Pillow's by {total / ours.Length:0.00} levels on average");
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++) if (a[i] != b[i]) return i;
        return Math.Min(a.Length, b.Length);
    }
}
