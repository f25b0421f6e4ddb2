namespace DataForge.Imaging.Operations;

/// <summary>
/// Reorients a volume to an axis code (RAS, LPS, ...) by permuting and flipping voxel axes only:
/// no interpolation, voxel values and type unchanged, qform and sform composed with the index
/// permutation so every voxel keeps its world position (nibabel's as_reoriented does the same).
/// </summary>
/// <param name="Axes">Three letters from R/L, A/P, S/I: the direction each voxel axis increases towards.</param>
public sealed record Reorient(string Axes) : IVolumeOperation
{
    public string Name => "reorient";

    public Volume Apply(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var target = AxisCodes.Parse(Axes);
        var current = AxisCodes.Of(volume.Affine);
        var shape = new int[3];
        var maps = new AxisMap[3];
        for (var a = 0; a < 3; a++)
        {
            // The source voxel axis that runs along the world axis this output axis must follow.
            var source = Array.FindIndex(current, c => c.Axis == target[a].Axis);
            var n = volume.Dim(source);
            var flip = current[source].Sign != target[a].Sign;
            shape[a] = n;
            maps[a] = new AxisMap(source, flip ? -1 : 1, flip ? n - 1 : 0);
        }
        return GridRemap.Apply(volume, shape, maps);
    }
}
