using Xunit;

namespace DataForge.Imaging.Tests;

public sealed class VoxelTypeTests
{
    [Fact]
    public void Types_are_found_by_nifti_code_name_and_element_type()
    {
        Assert.Same(VoxelType.Int16, VoxelType.FromCode(4));
        Assert.Same(VoxelType.Float32, VoxelType.FromName("FLOAT32"));
        Assert.Same(VoxelType.UInt16, VoxelType.Of<ushort>());
        Assert.Null(VoxelType.FromCode(32)); // complex64 is not supported
        Assert.Equal(VoxelType.All.Count, VoxelType.All.Select(t => t.Code).Distinct().Count());
        Assert.All(VoxelType.All, t => Assert.Equal(System.Runtime.InteropServices.Marshal.SizeOf(t.ClrType), t.Size));
    }

    [Fact]
    public void Conversion_to_an_integer_type_rounds_half_to_even_and_saturates()
    {
        var converted = (byte[])VoxelType.UInt8.FromSingle([-5f, 0.5f, 1.5f, 2.4999f, 254.6f, 300f, float.NaN]);
        Assert.Equal(new byte[] { 0, 0, 2, 2, 255, 255, 0 }, converted);
        var shorts = (short[])VoxelType.Int16.FromSingle([-40000f, 40000f, -2.5f]);
        Assert.Equal(new short[] { short.MinValue, short.MaxValue, -2 }, shorts);
    }

    [Fact]
    public void Scaling_is_applied_when_converting_to_float()
    {
        var volume = new Volume([3, 1, 1], new short[] { -2, 0, 7 }, Affine.Identity) with { Scaling = new IntensityScaling(0.5, 100) };
        Assert.Equal(new float[] { 99, 100, 103.5f }, volume.ToSingles());
        Assert.Equal(new float[] { 99, 100, 103.5f }, volume.ConvertTo(VoxelType.Float64).ToSingles());
        Assert.Equal(new short[] { 99, 100, 104 }, volume.ConvertTo(VoxelType.Int16).Voxels<short>().ToArray());
    }
}
