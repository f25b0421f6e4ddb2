namespace DataForge.Imaging.Operations;

/// <summary>
/// Crops or zero-pads x, y and z to a target shape, centred: along an axis of n voxels cut (or
/// padded) to m, the first kept voxel is floor((n - m) / 2) (a pad puts floor((m - n) / 2) zeros
/// first). Padding stores 0 (the real value is the scaling's intercept). World positions kept.
/// </summary>
/// <param name="Shape">Target size along x, y and z (each at least 1).</param>
public sealed record CropOrPad(int[] Shape) : IVolumeOperation
{
    public string Name => "crop_or_pad";

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (Shape is not { Length: 3 } || Shape.Any(s => s < 1))
            throw new ImagingException("crop_or_pad needs a shape of three positive sizes");
        var maps = new AxisMap[3];
        for (var a = 0; a < 3; a++)
        {
            var n = volume.Dim(a);
            var start = n >= Shape[a] ? (n - Shape[a]) / 2 : -((Shape[a] - n) / 2);
            maps[a] = new AxisMap(a, 1, start);
        }
        return GridRemap.Apply(volume, Shape, maps);
    }

    public bool Equals(CropOrPad? other) => other is not null && Shape.AsSpan().SequenceEqual(other.Shape);

    public override int GetHashCode() => HashCode.Combine(Shape.Length > 0 ? Shape[0] : 0, Shape.Length);
}
