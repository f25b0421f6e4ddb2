using System.Buffers.Binary;
using System.IO.Compression;
using DataForge.Imaging.Nifti;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Nifti;

/// <summary>Damaged files give a NiftiFormatException with the file and byte offset; never a crash, a hang or a huge allocation.</summary>
public sealed class NiftiReaderErrorTests
{
    private static byte[] ValidNifti1() =>
        NiftiWriter.Encode(SampleVolumes.Random(VoxelType.Int16, [4, 3, 2], new Random(5)), gzip: false);

    private static byte[] ValidNifti2() =>
        NiftiWriter.Encode(SampleVolumes.Random(VoxelType.Int16, [4, 3, 2], new Random(5)), false,
            new NiftiWriteOptions { Format = NiftiFormat.Nifti2 });

    private static NiftiFormatException ReadFails(byte[] bytes, string name = "damaged.nii")
    {
        using var temp = new TempDirectory();
        var path = temp.Combine(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        Assert.Contains($"byte {e.Offset}", e.Message);
        return e;
    }

    [Fact]
    public void An_empty_file_is_reported_at_byte_0() => Assert.Equal(0, ReadFails([]).Offset);

    [Fact]
    public void A_wrong_sizeof_hdr_is_reported_at_byte_0()
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 349);
        var e = ReadFails(bytes);
        Assert.Equal(0, e.Offset);
        Assert.Contains("sizeof_hdr is 349", e.Problem);
    }

    [Theory]
    [InlineData(128, "RGB")]
    [InlineData(2304, "RGBA")]
    [InlineData(32, "complex64")]
    public void A_colour_or_complex_datatype_is_refused_by_name_at_the_datatype_field(short datatype, string named)
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(70), datatype);
        var e = ReadFails(bytes);
        Assert.Equal(70, e.Offset);
        Assert.Contains($"datatype {datatype} ({named}", e.Problem);
        Assert.Contains("only scalar voxels", e.Problem);
    }

    [Fact]
    public void A_header_and_data_pair_read_from_streams_matches_the_pair_read_from_files()
    {
        using var temp = new TempDirectory();
        var volume = SampleVolumes.Random(VoxelType.Int16, [4, 3, 2], new Random(9));
        var single = NiftiWriter.Encode(volume, gzip: false);
        // A NIfTI-1 pair: the same header with magic ni1 and vox_offset 0, the voxels alone in the .img.
        var header = single[..348];
        "ni1\0"u8.CopyTo(header.AsSpan(344));
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(108), 0);
        File.WriteAllBytes(temp.Combine("pair.hdr"), header);
        File.WriteAllBytes(temp.Combine("pair.img"), single[352..]);
        var fromFiles = NiftiReader.Read(temp.Combine("pair.hdr"));
        using var h = new MemoryStream(header);
        using var d = new MemoryStream(NiftiWriter.Gzip(single[352..]));
        var fromStreams = NiftiReader.ReadPair(h, d, "pair");
        Assert.True(fromFiles.Shape.SequenceEqual(fromStreams.Shape));
        Assert.True(fromFiles.VoxelBytes.SequenceEqual(fromStreams.VoxelBytes));
        Assert.Equal(fromFiles.Affine, fromStreams.Affine);
        Assert.True(volume.Affine.ApproximatelyEquals(fromStreams.Affine, 1e-4));
        using var shortData = new MemoryStream(single[352..^4]);
        using var h2 = new MemoryStream(header);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.ReadPair(h2, shortData, "pair"));
        Assert.Equal("pair (.img)", e.FilePath);
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void A_truncated_header_is_reported_where_the_file_ends() =>
        Assert.Equal(200, ReadFails(ValidNifti1()[..200]).Offset);

    [Fact]
    public void Truncated_voxel_data_is_reported_where_the_file_ends()
    {
        var bytes = ValidNifti1();
        var e = ReadFails(bytes[..(bytes.Length - 3)]);
        Assert.Equal(bytes.Length - 3, e.Offset);
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void Truncated_gzip_data_is_reported_at_the_decompressed_offset_where_it_ends()
    {
        var gz = NiftiWriter.Encode(SampleVolumes.Random(VoxelType.Float32, [30, 30, 30], new Random(6)), gzip: true);
        var e = ReadFails(gz[..(gz.Length / 2)], "damaged.nii.gz");
        Assert.InRange(e.Offset, 352, 352 + 30 * 30 * 30 * 4 - 1);
    }

    [Theory]
    [InlineData(1, 32767)]
    [InlineData(2, -4)]
    [InlineData(3, 0)]
    public void Dimensions_that_overflow_or_are_not_positive_are_reported_at_their_field(int axis, short value)
    {
        var bytes = ValidNifti1();
        // Make every dimension large so that their product overflows; then set the one under test.
        if (value > 0)
            for (var i = 1; i <= 3; i++) BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(40 + 2 * i), 32767);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(40 + 2 * axis), value);
        var e = ReadFails(bytes);
        Assert.InRange(e.Offset, 42, 46);
        Assert.Contains("dim[", e.Problem);
    }

    [Fact]
    public void Nifti2_dimensions_beyond_any_buffer_are_reported_without_allocating()
    {
        var bytes = ValidNifti2();
        for (var i = 1; i <= 3; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16 + 8 * i), 1L << 40);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(bytes);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the reader allocated for the claimed size");
        Assert.Equal(24, e.Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void A_rank_outside_1_to_7_is_reported_at_dim0(short rank)
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(40), rank);
        Assert.Equal(40, ReadFails(bytes).Offset);
    }

    [Fact]
    public void A_vox_offset_past_the_end_is_reported_at_its_field()
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(108), 1e6f);
        var e = ReadFails(bytes);
        Assert.Equal(108, e.Offset);
        Assert.Contains("past the end", e.Problem);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-16f)]
    [InlineData(100.5f)]
    [InlineData(200f)]
    public void A_vox_offset_that_is_not_a_data_offset_is_reported_at_its_field(float offset)
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(108), offset);
        Assert.Equal(108, ReadFails(bytes).Offset);
    }

    [Fact]
    public void An_unsupported_datatype_is_reported_at_its_field()
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(70), 32); // DT_COMPLEX64
        var e = ReadFails(bytes);
        Assert.Equal(70, e.Offset);
        Assert.Contains("datatype 32", e.Problem);
    }

    [Fact]
    public void Nifti2_damaged_by_a_text_mode_transfer_is_reported_at_the_magic()
    {
        var bytes = ValidNifti2();
        bytes[8] = (byte)'\n'; // \r\n became \n
        Assert.Equal(4, ReadFails(bytes).Offset);
    }

    [Fact]
    public void A_gzip_bomb_is_refused_before_any_large_allocation()
    {
        // A header claiming 1024 x 1024 x 1000 int16 voxels (2 GB) inside a gzip file of a few hundred bytes.
        var header = ValidNifti1()[..352];
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(42), 1024);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(44), 1024);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(46), 1000);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(70), 2); // uint8: 1 GB
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(header);
            z.Write(new byte[1 << 20]);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(gz.ToArray(), "bomb.nii.gz");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the reader allocated for the claimed size");
        Assert.Contains("gzip", e.Problem);
    }

    [Fact]
    public void A_header_without_its_img_file_names_the_missing_file()
    {
        using var temp = new TempDirectory();
        var header = ValidNifti1()[..348];
        "ni1\0"u8.CopyTo(header.AsSpan(344));
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(108), 0);
        var path = temp.Combine("alone.hdr");
        File.WriteAllBytes(path, header);
        Assert.Equal(3, NiftiReader.ReadHeader(path).Rank);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path));
        Assert.Equal(temp.Combine("alone.img"), e.FilePath);
    }

    [Fact]
    public void Any_single_damaged_header_byte_gives_a_volume_or_a_NiftiFormatException()
    {
        foreach (var valid in new[] { ValidNifti1(), ValidNifti2() })
        {
            foreach (var value in new byte[] { 0x00, 0x7f, 0x80, 0xff })
            {
                for (var at = 0; at < valid.Length - 48; at++)
                {
                    var bytes = (byte[])valid.Clone();
                    bytes[at] = value;
                    try
                    {
                        NiftiReader.Read(new MemoryStream(bytes), "fuzz.nii");
                    }
                    catch (NiftiFormatException)
                    {
                    }
                    catch (Exception e)
                    {
                        Assert.Fail($"byte {at} = {value:x2}: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }
    }

    [Fact]
    public void A_name_given_by_the_caller_replaces_the_path_in_errors()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("DOE_JOHN_1950-01-01.nii");
        File.WriteAllBytes(path, ValidNifti1()[..100]);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path, "sha256:ab12"));
        Assert.Equal("sha256:ab12", e.FilePath);
        Assert.DoesNotContain("DOE", e.Message);
    }
}
