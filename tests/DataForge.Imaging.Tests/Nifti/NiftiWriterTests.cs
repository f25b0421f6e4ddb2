using DataForge.Imaging.Nifti;
using DataForge.Testing;
using Xunit;

namespace DataForge.Imaging.Tests.Nifti;

public sealed class NiftiWriterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writing_the_same_volume_twice_gives_the_same_bytes(bool gzip)
    {
        var volume = SampleVolumes.Random(VoxelType.Int16, [40, 30, 20], new Random(1), flip: true);
        var first = NiftiWriter.Encode(volume, gzip);
        var again = NiftiWriter.Encode(SampleVolumes.Random(VoxelType.Int16, [40, 30, 20], new Random(1), flip: true), gzip);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Gzip_output_carries_no_time_no_name_and_a_fixed_os_byte()
    {
        var bytes = NiftiWriter.Encode(SampleVolumes.Random(VoxelType.UInt8, [8, 8, 8], new Random(2)), gzip: true);
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8 }, bytes[..3]);
        Assert.Equal(0, bytes[3]); // FLG: no FNAME, FCOMMENT, FEXTRA or FHCRC
        Assert.Equal(new byte[4], bytes[4..8]); // MTIME
        Assert.Equal(255, bytes[9]); // OS: unknown, whatever platform wrote it
    }

    [Fact]
    public void The_compression_level_changes_the_bytes_but_not_the_volume()
    {
        var volume = SampleVolumes.Gradient([30, 20, 10]);
        var fast = NiftiWriter.Encode(volume, true, new NiftiWriteOptions { CompressionLevel = 1 });
        var small = NiftiWriter.Encode(volume, true, new NiftiWriteOptions { CompressionLevel = 9 });
        Assert.NotEqual(fast, small);
        Assert.Equal(volume.ToSingles(), NiftiReader.Read(new MemoryStream(fast), "fast").ToSingles());
        Assert.Equal(volume.ToSingles(), NiftiReader.Read(new MemoryStream(small), "small").ToSingles());
    }

    [Theory]
    [InlineData(NiftiFormat.Nifti1, false)]
    [InlineData(NiftiFormat.Nifti1, true)]
    [InlineData(NiftiFormat.Nifti2, false)]
    [InlineData(NiftiFormat.Nifti2, true)]
    public void A_volume_read_back_equals_the_volume_written(NiftiFormat format, bool gzip)
    {
        foreach (var type in VoxelType.All)
        {
            var volume = SampleVolumes.Random(type, [6, 5, 4, 2], new Random(type.Code), flip: type.Code % 3 == 0) with
            {
                Scaling = new IntensityScaling(2, 1),
                Description = "round trip",
                TemporalUnit = TemporalUnit.Millisecond,
                IntentCode = 1002,
            };
            using var temp = new TempDirectory();
            var path = temp.Combine(gzip ? "v.nii.gz" : "v.nii");
            NiftiWriter.Write(volume, path, new NiftiWriteOptions { Format = format });
            var back = NiftiReader.Read(path);
            Assert.Equal(format, NiftiReader.ReadHeader(path).Format);
            Assert.Equal(volume.Shape.ToArray(), back.Shape.ToArray());
            Assert.Same(type, back.Type);
            Assert.True(volume.VoxelBytes.SequenceEqual(back.VoxelBytes), $"{type}: voxels differ");
            Assert.True(volume.Qform.ApproximatelyEquals(back.Qform, 1e-4), $"{type}: qform {back.Qform} != {volume.Qform}");
            Assert.True(volume.Sform.ApproximatelyEquals(back.Sform, 1e-4), $"{type}: sform {back.Sform} != {volume.Sform}");
            Assert.Equal((volume.QformCode, volume.SformCode), (back.QformCode, back.SformCode));
            Assert.Equal(volume.Scaling, back.Scaling);
            Assert.Equal((SpatialUnit.Millimeter, TemporalUnit.Millisecond), (back.SpatialUnit, back.TemporalUnit));
            Assert.Equal(("round trip", (short)1002), (back.Description, back.IntentCode));
            // Reading and writing again changes nothing: the encoding is a fixed point. (NIfTI-2 keeps
            // the quaternion in float64, where rebuilding it from the qform moves the last bits.)
            if (format == NiftiFormat.Nifti1)
                Assert.Equal(File.ReadAllBytes(path), NiftiWriter.Encode(back, gzip, new NiftiWriteOptions { Format = format }));
        }
    }

    [Fact]
    public void A_dimension_beyond_int16_is_written_as_nifti2()
    {
        var volume = new Volume([40000, 1, 1], new byte[40000], Affine.Identity);
        var bytes = NiftiWriter.Encode(volume, gzip: false);
        Assert.Equal(540, BitConverter.ToInt32(bytes, 0));
        Assert.Throws<ImagingException>(() => NiftiWriter.Encode(volume, false, new NiftiWriteOptions { Format = NiftiFormat.Nifti1 }));
        Assert.Equal(new[] { 40000, 1, 1 }, NiftiReader.Read(new MemoryStream(bytes), "wide").Shape.ToArray());
    }
}
