using System.Text.Json.Serialization;

namespace DataForge.Imaging.Operations;

/// <summary>
/// The voxels to compute statistics over; the operation itself still applies to every voxel.
/// The label volume is not part of the record's JSON: a stage identifies it by its content hash.
/// </summary>
/// <param name="Kind">All, foreground (> mean) or a label volume.</param>
/// <param name="Labels">The label volume, for <see cref="MaskKind.Label"/>.</param>
/// <param name="Label">Only this label value; null for any non-zero label.</param>
public sealed record IntensityMask(MaskKind Kind = MaskKind.All, [property: JsonIgnore] Volume? Labels = null, int? Label = null)
{
    public static IntensityMask All { get; } = new();

    public static IntensityMask Foreground { get; } = new(MaskKind.Foreground);

    /// <summary>The values of <paramref name="values"/> (a volume's real values) inside the mask.</summary>
    public float[] Select(Volume volume, float[] values)
    {
        switch (Kind)
        {
            case MaskKind.All:
                return values;
            case MaskKind.Foreground:
                var (mean, _) = Statistics.MeanStd(values);
                return values.Where(v => v > mean).ToArray();
            default:
                if (Labels is null) throw new ImagingException("a label mask needs a label volume");
                if (Labels.VoxelCount != volume.VoxelCount && Labels.FrameSize != volume.FrameSize)
                    throw new ImagingException("the label volume's shape differs from the image's");
                var labels = Labels.ToSingles();
                var selected = new List<float>();
                for (var i = 0; i < values.Length; i++)
                {
                    var l = labels[i % labels.Length];
                    if (Label is { } only ? l == only : l != 0) selected.Add(values[i]);
                }
                return selected.ToArray();
        }
    }
}
