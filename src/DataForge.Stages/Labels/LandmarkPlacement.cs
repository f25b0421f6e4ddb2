using DataForge.Stages.Volumes;

namespace DataForge.Stages.Labels;

/// <summary>
/// The volumes a series' landmarks go on. A series that is one volume: that volume. A series cut into sub-series
/// (echoes, orientations...: <see cref="SubSeriesVolumes"/>): every sub-series whose grid contains all the points (echoes
/// share one grid, so each echo gets them; of two orientations only the one whose slab holds them), in suffix order;
/// none when no sub-series contains them all (the labels stage reports the series).
/// </summary>
public static class LandmarkPlacement
{
    /// <summary>The volumes (grid and suffix, "" for a series that is one volume) that carry the points.</summary>
    /// <param name="volumes">Series UID (and SERIES_suffix) to grid, as the labels stage indexes them.</param>
    /// <param name="series">The series the landmarks name.</param>
    /// <param name="image">The series' grid (its first sub-series when it was cut).</param>
    /// <param name="positions">The points' RAS+ positions (finite ones only).</param>
    public static IReadOnlyList<(ImageGeometry Image, string Suffix)> Hosts(IReadOnlyDictionary<string, ImageGeometry> volumes, string series,
        ImageGeometry image, IReadOnlyList<(double X, double Y, double Z)> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var candidates = SubSeriesVolumes.Of(volumes, series);
        if (candidates.Count == 0) return [(image, "")];
        return candidates.Where(c => positions.All(p => c.Image.Contains(c.Image.VoxelOf(p.X, p.Y, p.Z))))
            .Select(c => (c.Image, c.Suffix))
            .ToList();
    }
}
