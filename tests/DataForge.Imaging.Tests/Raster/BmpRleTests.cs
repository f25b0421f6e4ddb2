using System.Buffers.Binary;
using DataForge.Imaging.Raster;
using Xunit;

namespace DataForge.Imaging.Tests.Raster;

/// <summary>
/// Run-length bitmaps built here record by record from the bitmap specification (BITMAPINFOHEADER compression 1 and 2),
/// for what Pillow 9.4 misreads (deltas, RLE4 literals of odd length) and for damaged streams. Pillow's reading of
/// valid RLE8/RLE4 files is compared in <see cref="RasterDecoderOracleTests"/>.
/// </summary>
public sealed class BmpRleTests
{
    // Index i of the colour table is grey level 10 * i, so a decoded sample is ten times its index.
    private static byte[] Bitmap(int width, int height, bool rle4, params byte[] records)
    {
        const int colours = 16;
        var offset = 14 + 40 + 4 * colours;
        var file = new byte[offset + records.Length];
        file[0] = (byte)'B'; file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), offset);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(28), (ushort)(rle4 ? 4 : 8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(30), rle4 ? 2 : 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), records.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(46), colours);
        for (var i = 0; i < colours; i++) file[54 + 4 * i] = file[55 + 4 * i] = file[56 + 4 * i] = (byte)(10 * i);
        records.CopyTo(file, offset);
        return file;
    }

    private static int RecordsAt => 14 + 40 + 4 * 16;

    [Fact]
    public void A_delta_skips_pixels_which_take_index_0_and_rows_are_stored_from_the_bottom()
    {
        // 4x3. Bottom row: run of 2 of index 5, delta right 1 up 1 -> (3, row 1); run of 1 of index 7; end of line;
        // top row: literal 1 2 3 4 (padded), end of bitmap.
        var image = BmpDecoder.Decode(Bitmap(4, 3, false, 2, 5, 0, 2, 1, 1, 1, 7, 0, 0, 0, 4, 1, 2, 3, 4, 0, 1));
        Assert.Equal(1, image.SamplesPerPixel);
        Assert.Equal(new byte[] { 10, 20, 30, 40, 0, 0, 0, 70, 50, 50, 0, 0 }, image.Frames[0]);
    }

    [Fact]
    public void RLE4_runs_alternate_their_two_indices_and_an_odd_literal_is_padded_to_a_word()
    {
        // 5x2. Bottom row: run of 5 alternating 1 and 2. Top row: literal of 3 (indices 3 4 5: bytes 0x34 0x50, two
        // bytes, already even), run of 2 of index 6 and 6; end of bitmap.
        var image = BmpDecoder.Decode(Bitmap(5, 2, true, 5, 0x12, 0, 0, 0, 3, 0x34, 0x50, 2, 0x66, 0, 1));
        Assert.Equal(new byte[] { 30, 40, 50, 60, 60, 10, 20, 10, 20, 10 }, image.Frames[0]);
        // A literal of 5 (three bytes) is followed by one byte of padding.
        var padded = BmpDecoder.Decode(Bitmap(5, 1, true, 0, 5, 0x12, 0x34, 0x50, 0xEE, 0, 1));
        Assert.Equal(new byte[] { 10, 20, 30, 40, 50 }, padded.Frames[0]);
    }

    [Fact]
    public void A_run_past_the_end_of_its_row_is_refused_at_the_record()
    {
        var file = Bitmap(4, 2, false, 3, 1, 2, 1, 0, 1);
        var e = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(file));
        Assert.Equal(RecordsAt + 2, e.Offset);
        Assert.Contains("passes the end of its row", e.Message);
    }

    [Fact]
    public void A_literal_past_the_end_of_its_row_and_pixels_after_the_last_row_are_refused_at_the_record()
    {
        var literal = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(Bitmap(2, 1, false, 0, 3, 1, 1, 1, 0, 0, 1)));
        Assert.Equal(RecordsAt, literal.Offset);
        var afterLast = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(Bitmap(2, 1, false, 2, 1, 0, 0, 1, 1, 0, 1)));
        Assert.Equal(RecordsAt + 4, afterLast.Offset);
        var delta = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(Bitmap(2, 2, false, 0, 2, 0, 5, 0, 1)));
        Assert.Equal(RecordsAt, delta.Offset);
    }

    [Fact]
    public void A_stream_without_its_end_of_bitmap_record_fails_where_the_file_ends()
    {
        var file = Bitmap(4, 2, false, 4, 1, 0, 0, 4, 2);
        var e = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(file));
        Assert.Equal(file.Length, e.Offset);
        Assert.Contains("truncated", e.Message);
        var cutLiteral = Bitmap(4, 1, false, 0, 4, 1, 2);
        Assert.Equal(cutLiteral.Length, Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(cutLiteral)).Offset);
    }

    [Fact]
    public void An_index_past_the_colour_table_is_refused_at_the_record()
    {
        var e = Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(Bitmap(4, 1, false, 2, 1, 2, 16, 0, 1)));
        Assert.Equal(RecordsAt + 2, e.Offset);
        Assert.Contains("colour table", e.Message);
    }

    [Fact]
    public void Compression_must_match_the_bit_depth_and_rows_must_be_bottom_up()
    {
        var wrongDepth = Bitmap(4, 1, true, 4, 1, 0, 1);
        BinaryPrimitives.WriteInt32LittleEndian(wrongDepth.AsSpan(30), 1); // RLE8 on 4-bit pixels
        Assert.Equal(28, Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(wrongDepth)).Offset);
        var topDown = Bitmap(4, 1, false, 4, 1, 0, 1);
        BinaryPrimitives.WriteInt32LittleEndian(topDown.AsSpan(22), -1);
        Assert.Equal(22, Assert.Throws<RasterFormatException>(() => BmpDecoder.Decode(topDown)).Offset);
    }
}
