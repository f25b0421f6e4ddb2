using DataForge.Imaging.Png;
using DataForge.Imaging.Raster;
using Xunit;

namespace DataForge.Imaging.Tests.Raster;

/// <summary>
/// Damaged files (every truncation, and bytes flipped at many places, of small valid PNG, TIFF and BMP files) either
/// decode or fail with a <see cref="RasterFormatException"/>: never another exception, never a read outside the file.
/// </summary>
public sealed class RasterFuzzTests
{
    public static TheoryData<string> Formats => new() { "PNG", "TIFF", "BMP" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Truncated_and_flipped_files_fail_only_as_format_errors(string format)
    {
        var valid = Sample(format);
        Assert.Equal(6, Decode(format, valid).Width);
        var rng = new Random(1234);
        for (var length = 0; length < valid.Length; length++) Check(format, valid[..length]);
        for (var i = 0; i < 800; i++)
        {
            var damaged = (byte[])valid.Clone();
            for (var k = rng.Next(1, 4); k > 0; k--) damaged[rng.Next(damaged.Length)] ^= (byte)rng.Next(1, 256);
            Check(format, damaged);
        }
    }

    private static void Check(string format, byte[] bytes)
    {
        try { Decode(format, bytes); }
        catch (RasterFormatException e) { Assert.InRange(e.Offset, 0, long.MaxValue); }
    }

    private static RasterImage Decode(string format, byte[] bytes) => format switch
    {
        "PNG" => PngDecoder.Decode(bytes),
        "TIFF" => TiffDecoder.Decode(bytes),
        _ => BmpDecoder.Decode(bytes),
    };

    // 6x5 images: an 8-bit greyscale PNG from DataForge's writer, an uncompressed TIFF and a 24-bit BMP built by hand.
    private static byte[] Sample(string format)
    {
        var pixels = Enumerable.Range(0, 30).Select(i => (byte)(i * 8)).ToArray();
        if (format == "PNG") return PngWriter.Encode8(pixels, 6, 5);
        if (format == "BMP")
        {
            var rowBytes = 20; // 6 pixels x 3 bytes, padded to 4
            var bmp = new byte[54 + rowBytes * 5];
            bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
            BitConverter.GetBytes(54).CopyTo(bmp, 10);
            BitConverter.GetBytes(40).CopyTo(bmp, 14);
            BitConverter.GetBytes(6).CopyTo(bmp, 18);
            BitConverter.GetBytes(5).CopyTo(bmp, 22);
            BitConverter.GetBytes((ushort)1).CopyTo(bmp, 26);
            BitConverter.GetBytes((ushort)24).CopyTo(bmp, 28);
            for (var i = 54; i < bmp.Length; i++) bmp[i] = (byte)i;
            return bmp;
        }
        var entries = new (ushort Tag, ushort Type, uint Value)[]
        {
            (256, 3, 6), (257, 3, 5), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 8), (277, 3, 1), (278, 3, 5), (279, 4, 30),
        };
        var ifd = 8 + 30;
        var tiff = new byte[ifd + 2 + entries.Length * 12 + 4];
        "II"u8.CopyTo(tiff);
        BitConverter.GetBytes((ushort)42).CopyTo(tiff, 2);
        BitConverter.GetBytes(ifd).CopyTo(tiff, 4);
        pixels.CopyTo(tiff, 8);
        BitConverter.GetBytes((ushort)entries.Length).CopyTo(tiff, ifd);
        for (var i = 0; i < entries.Length; i++)
        {
            var at = ifd + 2 + 12 * i;
            BitConverter.GetBytes(entries[i].Tag).CopyTo(tiff, at);
            BitConverter.GetBytes(entries[i].Type).CopyTo(tiff, at + 2);
            BitConverter.GetBytes(1u).CopyTo(tiff, at + 4);
            if (entries[i].Type == 3) BitConverter.GetBytes((ushort)entries[i].Value).CopyTo(tiff, at + 8);
            else BitConverter.GetBytes(entries[i].Value).CopyTo(tiff, at + 8);
        }
        return tiff;
    }
}
