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
    public static TheoryData<string> Formats => new() { "PNG", "TIFF", "BMP", "BMP-RLE8", "BMP-RLE4", "TIFF-CMYK", "TIFF-YCbCr" };

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
        _ when format.StartsWith("TIFF", StringComparison.Ordinal) => TiffDecoder.Decode(bytes),
        _ => BmpDecoder.Decode(bytes),
    };

    // 6x5 images: an 8-bit greyscale PNG from DataForge's writer; uncompressed TIFF (grey, CMYK, YCbCr), a 24-bit BMP
    // and RLE8/RLE4 BMPs (runs, a literal, end of line, a delta, end of bitmap) built by hand.
    private static byte[] Sample(string format)
    {
        var pixels = Enumerable.Range(0, 30).Select(i => (byte)(i * 8)).ToArray();
        if (format == "PNG") return PngWriter.Encode8(pixels, 6, 5);
        if (format.StartsWith("BMP-RLE", StringComparison.Ordinal))
        {
            var rle4 = format == "BMP-RLE4";
            byte[] records = rle4
                ? [6, 0x12, 0, 0, 0, 4, 0x34, 0x56, 2, 0x77, 0, 0, 0, 2, 1, 1, 3, 0x89, 0, 0, 6, 0xAB, 0, 1]
                : [6, 1, 0, 0, 0, 4, 3, 4, 5, 6, 2, 7, 0, 0, 0, 2, 1, 1, 3, 9, 0, 0, 6, 11, 0, 1];
            var bmp = new byte[54 + 64 + records.Length];
            bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
            BitConverter.GetBytes(54 + 64).CopyTo(bmp, 10);
            BitConverter.GetBytes(40).CopyTo(bmp, 14);
            BitConverter.GetBytes(6).CopyTo(bmp, 18);
            BitConverter.GetBytes(5).CopyTo(bmp, 22);
            BitConverter.GetBytes((ushort)1).CopyTo(bmp, 26);
            BitConverter.GetBytes((ushort)(rle4 ? 4 : 8)).CopyTo(bmp, 28);
            BitConverter.GetBytes(rle4 ? 2 : 1).CopyTo(bmp, 30);
            BitConverter.GetBytes(16).CopyTo(bmp, 46);
            for (var i = 0; i < 64; i++) bmp[54 + i] = (byte)(i * 5);
            records.CopyTo(bmp, 54 + 64);
            return bmp;
        }
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
        var (photometric, spp) = format switch { "TIFF-CMYK" => (5u, 4u), "TIFF-YCbCr" => (6u, 3u), _ => (1u, 1u) };
        pixels = Enumerable.Range(0, (int)(30 * spp)).Select(i => (byte)(i * 7)).ToArray();
        var entries = new (ushort Tag, ushort Type, uint Value)[]
        {
            (256, 3, 6), (257, 3, 5), (258, 3, 8), (259, 3, 1), (262, 3, photometric), (273, 4, 8), (277, 3, spp), (278, 3, 5), (279, 4, (uint)pixels.Length),
            (530, 3, 0x0001_0001), // YCbCrSubsampling 1, 1 (two SHORTs in the value), ignored by the other photometrics
        };
        var ifd = 8 + pixels.Length;
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
            BitConverter.GetBytes(entries[i].Tag == 530 ? 2u : 1u).CopyTo(tiff, at + 4);
            if (entries[i].Tag == 530) BitConverter.GetBytes(entries[i].Value).CopyTo(tiff, at + 8);
            else if (entries[i].Type == 3) BitConverter.GetBytes((ushort)entries[i].Value).CopyTo(tiff, at + 8);
            else BitConverter.GetBytes(entries[i].Value).CopyTo(tiff, at + 8);
        }
        return tiff;
    }
}
