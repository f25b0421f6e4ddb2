using System.Text.Json;
using DataForge.Engine.Stages;
using DataForge.Imaging;
using DataForge.Imaging.Operations;

namespace DataForge.Stages.Volumes;

/// <summary>
/// The volumes of a series that <see cref="SeriesSplit"/> cut into several (echoes, orientations, matrix sizes,
/// acquisitions: <c>volume_id</c> <c>PSEUDONYM/SERIES_suffix</c>), for the labels stage: a mask or SEG names the
/// series by its UID, and lands on the sub-series whose grid it is on. The labels stage's map of series UID to
/// geometry holds, beside the series UID (the first sub-series in suffix order), one entry per sub-series under
/// <c>SERIES_suffix</c>, which no UID can equal ('_' is not a UID character).
/// </summary>
public static class SubSeriesVolumes
{
    /// <summary>How far (mm) two affines may differ and still be one grid: a mask on its image's grid, a sub-series chosen for it.</summary>
    public const double GridTolerance = 1e-3;

    /// <summary>Adds every sub-series volume among <paramref name="items"/> to <paramref name="volumes"/> (series UID to grid).</summary>
    public static void Index(Dictionary<string, ImageGeometry> volumes, IEnumerable<StageItem> items)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(items);
        var found = new SortedDictionary<string, ImageGeometry>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var m = item.Metadata;
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("affine", out var affine) || !m.TryGetProperty("shape", out var shape)
                || !m.TryGetProperty("volume_id", out var id) || !m.TryGetProperty("series_instance_uid", out var s)
                || !m.TryGetProperty("pseudonym", out var p)) continue;
            var series = s.GetString()!;
            var pseudonym = p.GetString()!;
            var name = id.GetString()!;
            var prefix = $"{pseudonym}/{series}";
            if (!name.StartsWith(prefix + "_", StringComparison.Ordinal)) continue;
            found[name[(pseudonym.Length + 1)..]] = new ImageGeometry(pseudonym, series, item.Path ?? "",
                shape.EnumerateArray().Select(d => d.GetInt32()).ToArray(), Affine.FromRows(affine.EnumerateArray().Select(d => d.GetDouble()).ToArray()));
        }
        foreach (var (key, geometry) in found)
        {
            volumes[key] = geometry;
            // The series UID alone names its first sub-series, whatever order the items came in.
            if (!found.Keys.Any(k => k.StartsWith(geometry.Series + "_", StringComparison.Ordinal) && string.CompareOrdinal(k, key) < 0))
                volumes[geometry.Series] = geometry;
        }
    }

    /// <summary>The sub-series of <paramref name="series"/> (suffix and grid, in suffix order); empty for a series that is one volume.</summary>
    public static IReadOnlyList<(string Suffix, ImageGeometry Image)> Of(IReadOnlyDictionary<string, ImageGeometry> volumes, string series)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        return volumes.Where(v => v.Key.StartsWith(series + "_", StringComparison.Ordinal))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => (v.Key[series.Length..], v.Value))
            .ToList();
    }

    /// <summary>
    /// The volume of <paramref name="series"/> that <paramref name="fits"/>: <paramref name="image"/> (suffix "") for a
    /// series that is one volume; else the first sub-series the test accepts, or the first sub-series when none does
    /// (its checks then say why).
    /// </summary>
    public static (ImageGeometry Image, string Suffix) Choose(IReadOnlyDictionary<string, ImageGeometry> volumes, string series, ImageGeometry image,
        Func<ImageGeometry, bool> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var (chosen, suffix, _) = Choose(volumes, series, image, fits, fit => fit);
        return (chosen, suffix);
    }

    /// <summary>
    /// As <see cref="Choose(IReadOnlyDictionary{string, ImageGeometry}, string, ImageGeometry, Func{ImageGeometry, bool})"/>
    /// when the test is itself the work (painting a SEG on the grid): <paramref name="attempt"/> runs once per candidate
    /// until <paramref name="fits"/> accepts its result, and the chosen volume's result is returned, not made again.
    /// </summary>
    public static (ImageGeometry Image, string Suffix, T Result) Choose<T>(IReadOnlyDictionary<string, ImageGeometry> volumes, string series,
        ImageGeometry image, Func<ImageGeometry, T> attempt, Func<T, bool> fits)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(fits);
        var candidates = Of(volumes, series);
        if (candidates.Count == 0) return (image, "", attempt(image));
        (ImageGeometry Image, string Suffix, T Result)? first = null;
        foreach (var (suffix, candidate) in candidates)
        {
            var result = attempt(candidate);
            if (fits(result)) return (candidate, suffix, result);
            first ??= (candidate, suffix, result);
        }
        return first!.Value;
    }

    /// <summary>True when a mask volume is on the image's grid: same shape and affine, or the same voxels in another axis order.</summary>
    public static bool OnGrid(Volume mask, ImageGeometry image)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(image);
        if (mask.Shape.Length < 3) return false;
        if (Same(mask, image)) return true;
        try
        {
            return Same(new Reorient(AxisCodes.Format(AxisCodes.Of(image.Affine))).Apply(mask), image);
        }
        catch (ImagingException)
        {
            return false;
        }
    }

    /// <summary>The volume id of a mask on <paramref name="image"/>'s sub-series.</summary>
    public static string VolumeId(ImageGeometry image, string suffix) => $"{image.Patient}/{image.Series}{suffix}";

    private static bool Same(Volume mask, ImageGeometry image) =>
        mask.Shape.Take(3).SequenceEqual(image.Shape.Take(3)) && mask.Affine.ApproximatelyEquals(image.Affine, GridTolerance);
}
