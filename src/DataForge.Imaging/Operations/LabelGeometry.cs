namespace DataForge.Imaging.Operations;

/// <summary>
/// Applies the geometric steps of a harmonisation list to a label mask aligned with the volume they were
/// applied to, so the mask stays aligned: reorient and crop_or_pad as they are, resample always with nearest
/// neighbour (labels are never interpolated); intensity steps do not apply to labels and are skipped.
/// </summary>
public static class LabelGeometry
{
    /// <summary>The mask after the geometric steps of <paramref name="steps"/>, in order.</summary>
    public static Volume Apply(Volume mask, IEnumerable<IVolumeOperation?> steps)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(steps);
        var result = mask;
        foreach (var step in steps)
            result = step switch
            {
                Reorient r => r.Apply(result),
                Resample r => r.ForLabels().Apply(result),
                CropOrPad c => c.Apply(result),
                _ => result,
            };
        return result;
    }

    /// <summary>True when <paramref name="step"/> moves voxels (and so applies to labels).</summary>
    public static bool IsGeometric(IVolumeOperation? step) => step is Reorient or Resample or CropOrPad;
}
