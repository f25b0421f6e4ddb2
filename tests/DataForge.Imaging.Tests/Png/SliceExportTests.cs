using System.Text.Json;
using DataForge.Imaging.Operations;
using DataForge.Imaging.Png;
using DataForge.Imaging.Tests.Oracles;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Png;

public sealed class SliceExportTests
{
    private static Volume Ct() =>
        new Volume([7, 5, 3], Enumerable.Range(0, 105).Select(i => (short)(i * 37 - 1500)).ToArray(), Affine.Identity)
            with { Scaling = new IntensityScaling(1, -24) };

    [Fact]
    public void Window_levels_map_linearly_onto_the_bit_depth()
    {
        var volume = new Volume([4, 1, 1], new float[] { -200, -100, 50, 500 }, Affine.Identity);
        var png = new SliceExport(new Window(Min: -100, Max: 300), BitDepth: 8).Encode(volume);
        // Levels: clamp((v + 100) * 255 / 400): 0, 0, 95.625 -> 96, 255.
        var decoded = Decode(png);
        Assert.Equal(new[] { 0, 0, 96, 255 }, decoded);
    }

    [Fact]
    public void The_same_slice_gives_the_same_bytes()
    {
        var export = new SliceExport(new Window(Center: 40, Width: 400), BitDepth: 16, SliceIndex: 1);
        Assert.Equal(export.Encode(Ct()), export.Encode(Ct()));
        Assert.NotEqual(export.Encode(Ct()), (export with { SliceIndex = 2 }).Encode(Ct()));
    }

    [SkippableTheory]
    [InlineData(8)]
    [InlineData(16)]
    public void PIL_decodes_the_png_to_the_windowed_levels(int bitDepth)
    {
        Oracle.RequirePython("PIL", "numpy");
        using var temp = new TempDirectory("png");
        var volume = Ct();
        var window = new Window(Center: 40, Width: 2000);
        var path = temp.Combine("slice.png");
        File.WriteAllBytes(path, new SliceExport(window, bitDepth, SliceIndex: 2).Encode(volume));
        using var doc = JsonDocument.Parse(Nibabel.Run("png", path));
        var root = doc.RootElement;
        // PIL opens 16-bit greyscale as "I" (32-bit integers) in some versions, "I;16" in others.
        Assert.Contains(root.GetProperty("mode").GetString(), bitDepth == 8 ? ["L"] : new[] { "I", "I;16" });
        Assert.Equal(new[] { 7, 5 }, root.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Empty(root.GetProperty("info").EnumerateArray()); // no text, time or other chunks
        var (lo, hi) = window.Bounds;
        var top = bitDepth == 8 ? 255.0 : 65535.0;
        var real = volume.ToSingles().Skip(2 * 35).Take(35);
        var expected = real.Select(v => (int)Math.Round(Math.Clamp((v - lo) * top / (hi - lo), 0, top), MidpointRounding.ToEven));
        Assert.Equal(expected, root.GetProperty("pixels").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void A_slice_outside_the_volume_or_an_odd_bit_depth_is_refused()
    {
        Assert.Throws<ImagingException>(() => new SliceExport(new Window(Min: 0, Max: 1), SliceIndex: 3).Encode(Ct()));
        Assert.Throws<ImagingException>(() => new SliceExport(new Window(Min: 0, Max: 1), BitDepth: 12).Encode(Ct()));
    }

    /// <summary>Decodes an 8-bit greyscale PNG written by PngWriter (filter None), checking its CRCs.</summary>
    private static int[] Decode(byte[] png)
    {
        var at = 8;
        var idat = new MemoryStream();
        int width = 0, height = 0;
        while (at < png.Length)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            var crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(BitwiseCrc32(png.AsSpan(at + 4, 4 + length)), crc);
            if (type == "IHDR")
            {
                width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data);
                height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[4..]);
            }
            if (type == "IDAT") idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var z = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionMode.Decompress);
        var raw = new byte[(width + 1) * height];
        z.ReadExactly(raw);
        return Enumerable.Range(0, height).SelectMany(y => raw.Skip(y * (width + 1) + 1).Take(width)).Select(b => (int)b).ToArray();
    }

    /// <summary>CRC-32 computed bit by bit, straight from the polynomial (PNG spec, annex D).</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c ^= b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
