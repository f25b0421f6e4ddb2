namespace DataForge.Stages.Volumes;

/// <summary>What <see cref="SeriesVolumeBuilder"/> measured while stacking a series.</summary>
/// <param name="Slices">Number of slices stacked.</param>
/// <param name="SliceGap">Median distance between neighbouring slice positions along the normal, mm.</param>
/// <param name="MaxGapDeviation">Largest relative deviation of a gap from the median (0 for a perfect stack).</param>
/// <param name="VoxelType">Stored voxel type chosen (int16 or float32).</param>
public sealed record SeriesVolumeReport(int Slices, double SliceGap, double MaxGapDeviation, string VoxelType);
