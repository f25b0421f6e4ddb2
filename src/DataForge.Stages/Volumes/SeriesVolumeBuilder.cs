using System.Globalization;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Imaging;

namespace DataForge.Stages.Volumes;

/// <summary>
/// Stacks the frames of one series (single-frame instances, or multi-frame instances whose geometry is in
/// per-frame or shared functional groups, PS3.3 C.7.6.16) into a 3D volume, as dcm2niix does, or says why it
/// cannot. Pure: files in, value out; no engine, no disk.
/// <list type="bullet">
/// <item>Instances must share orientation, echo, matrix and pixel spacing. <see cref="Build(IReadOnlyList{DicomFile})"/>
/// fails on a series that mixes them, naming what differs; <see cref="BuildAll"/> splits it into sub-volumes.</item>
/// <item>Slices are sorted by Image Position (Patient) projected on the slice normal, row × column
/// cosines (PS3.3 C.7.6.2.1.1). Spacing comes from those positions, never from Slice Thickness.</item>
/// <item>Duplicate positions, positions that drift within the plane (gantry tilt, shear) and gaps deviating
/// from the median by more than <see cref="GapTolerance"/> are failures.</item>
/// <item>Voxels are real values (PS3.3 C.11.1.1.2: slope × stored + intercept): int16 when every slope and
/// intercept is an integer and every value fits, else float32; scaling is identity either way.</item>
/// <item>Voxel (i, j, k) is column i, row j of the k-th sorted slice. The affine maps it to RAS+ mm: DICOM
/// patient coordinates are LPS (PS3.3 C.7.6.2.1.1), so x and y are negated. qform and sform are set,
/// code scanner (1), units mm.</item>
/// </list>
/// </summary>
public static class SeriesVolumeBuilder
{
    /// <summary>Largest relative deviation of a gap from the median gap before the stack counts as uneven.</summary>
    public const double GapTolerance = 0.01;

    /// <summary>Positions closer than this along the normal (mm) are the same position.</summary>
    private const double SamePosition = 1e-4;

    /// <summary>DS values carry limited digits: direction cosines equal within this are the same orientation.</summary>
    private const double CosineTolerance = 1e-4;

    /// <summary>Stacks <paramref name="files"/> (one series, any order).</summary>
    public static SeriesVolumeResult Build(IReadOnlyList<DicomFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) return SeriesVolumeResult.Failed("the series has no instances");
        var slices = new List<SliceFacts>(files.Count);
        foreach (var file in files)
        {
            var (facts, missing) = SliceFacts.Read(file);
            if (facts is null) return SeriesVolumeResult.Failed($"an instance lacks {missing}; it cannot be placed in a volume");
            slices.AddRange(facts);
        }
        return Build(slices);
    }

    /// <summary>
    /// Stacks <paramref name="files"/> (one series, any order) into one volume per sub-series: instances are
    /// split by matrix size, orientation, echo and pixel spacing, and by Acquisition Number when acquisitions
    /// repeat positions. Each sub-series is named by a suffix made of the keys that vary, each the 1-based rank
    /// of its value (echo by echo time or number, the others in ordinal order): <c>_e2</c>, <c>_o1_e1</c>, <c>_a3</c>;
    /// "" when the series is not mixed. Results are in suffix order.
    /// </summary>
    public static IReadOnlyList<(string Suffix, SeriesVolumeResult Result)> BuildAll(IReadOnlyList<DicomFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) return [("", SeriesVolumeResult.Failed("the series has no instances"))];
        var slices = new List<SliceFacts>(files.Count);
        foreach (var file in files)
        {
            var (facts, missing) = SliceFacts.Read(file);
            if (facts is null) return [("", SeriesVolumeResult.Failed($"an instance lacks {missing}; it cannot be placed in a volume"))];
            slices.AddRange(facts);
        }
        return SeriesSplit.Partition(slices).Select(p => (p.Suffix, Build(p.Slices))).ToList();
    }

    private static SeriesVolumeResult Build(List<SliceFacts> slices)
    {
        if (Inconsistency(slices) is { } problem) return SeriesVolumeResult.Failed(problem);

        var first = slices[0];
        if (!IsOrthonormal(first.RowCosines, first.ColumnCosines))
            return SeriesVolumeResult.Failed("Image Orientation (Patient) is not two orthogonal unit vectors");
        // Cosines written with few digits are unit vectors only to ~1e-5: made unit, as dcm2niix does, so that the far
        // corners of the grid agree to 1e-4 mm.
        var row = Normalise(first.RowCosines);
        var column = Normalise(first.ColumnCosines);
        var normal = Normalise(Cross(row, column));

        var sorted = slices.Select(s => (Slice: s, Distance: Dot(s.Position, normal))).OrderBy(s => s.Distance).ToList();
        if (Stacking(sorted, normal, Math.Min(first.PixelSpacing[0], first.PixelSpacing[1])) is { } stackProblem)
            return SeriesVolumeResult.Failed(stackProblem);
        var (gap, deviation, gapProblem) = MeasureGaps(sorted.Select(s => s.Distance).ToList(), slices);
        if (gapProblem is not null) return SeriesVolumeResult.Failed(gapProblem);

        Array data;
        VoxelType type;
        try
        {
            (data, type) = Voxels(sorted.Select(s => s.Slice).ToList(), first.Rows, first.Columns);
        }
        catch (NotSupportedException e)
        {
            return SeriesVolumeResult.Failed("pixel data cannot be decoded: " + e.Message);
        }
        catch (DicomFormatException e)
        {
            return SeriesVolumeResult.Failed("pixel data cannot be decoded: " + e.Reason);
        }
        var origin = sorted[0].Slice.Position;
        var columnSpacing = first.PixelSpacing[1];   // PS3.3 10.7.1.3: PixelSpacing = row spacing \ column spacing
        var rowSpacing = first.PixelSpacing[0];
        // Index axis i runs along a row (IOP row cosines), j down a column, k along the normal. LPS -> RAS: negate x and y.
        double[] lps =
        [
            row[0] * columnSpacing, column[0] * rowSpacing, normal[0] * gap, origin[0],
            row[1] * columnSpacing, column[1] * rowSpacing, normal[1] * gap, origin[1],
            row[2] * columnSpacing, column[2] * rowSpacing, normal[2] * gap, origin[2],
        ];
        for (var c = 0; c < 8; c++) lps[c] = -lps[c];
        var affine = Affine.FromRows(lps);
        var volume = new Volume([first.Columns, first.Rows, sorted.Count], data, affine, XformCode.ScannerAnat);
        return SeriesVolumeResult.Success(volume, new SeriesVolumeReport(sorted.Count, gap, deviation, type.Name)) with { FirstInstance = sorted[0].Slice.File, Instances = sorted.Select(s => s.Slice.File).ToList() };
    }

    /// <summary>What differs between instances that one volume cannot hold, or null.</summary>
    private static string? Inconsistency(List<SliceFacts> slices)
    {
        var first = slices[0];
        foreach (var s in slices)
        {
            if (s.Rows != first.Rows || s.Columns != first.Columns)
                return "instances differ in Rows/Columns; the series holds images of several matrix sizes";
            if (!Near(s.Orientation, first.Orientation, CosineTolerance))
                return $"instances differ in Image Orientation (Patient): the series holds {Count(slices, x => Key(x.Orientation))} orientations; split it before stacking";
            if (s.Echo != first.Echo)
                return $"instances differ in echo (Echo Numbers / Echo Time): the series holds {Count(slices, x => x.Echo)} echoes; split it before stacking";
            if (!Near(s.PixelSpacing, first.PixelSpacing, 1e-6))
                return "instances differ in Pixel Spacing";
        }
        return null;
    }

    /// <summary>Positions must move along the normal only: an in-plane shift means a tilted or sheared stack.</summary>
    private static string? Stacking(List<(SliceFacts Slice, double Distance)> sorted, double[] normal, double pixel)
    {
        var origin = sorted[0].Slice.Position;
        foreach (var (slice, distance) in sorted)
        {
            var shift = 0.0;
            for (var a = 0; a < 3; a++)
            {
                var d = slice.Position[a] - origin[a] - (distance - sorted[0].Distance) * normal[a];
                shift += d * d;
            }
            if (Math.Sqrt(shift) > 0.01 * pixel)
                return "slice positions shift within the image plane (gantry tilt or a sheared stack): DataForge does not correct tilt (dcm2niix -y does); reconstruct the series without tilt or exclude it";
        }
        return null;
    }

    /// <summary>The mean gap (used in the affine, as dcm2niix takes first and last positions), the largest relative deviation, or a problem.</summary>
    private static (double Gap, double Deviation, string? Problem) MeasureGaps(List<double> distances, List<SliceFacts> slices)
    {
        if (distances.Count == 1)
        {
            var thickness = slices[0].File.Dataset.GetNumber(DicomTags.SliceThickness);
            return (thickness is > 0 ? thickness.Value : 1.0, 0, null);
        }
        var gaps = distances.Zip(distances.Skip(1), (a, b) => b - a).ToList();
        var duplicates = gaps.Count(g => g < SamePosition);
        if (duplicates > 0)
        {
            var acquisitions = Count(slices, s => s.Acquisition);
            var hint = acquisitions > 1 ? $"; the series holds {acquisitions} acquisitions (Acquisition Number), split it before stacking" : "";
            return (0, 0, $"{duplicates} slice(s) repeat a position of another slice{hint}");
        }
        var ordered = gaps.Order().ToList();
        var median = ordered.Count % 2 == 1 ? ordered[ordered.Count / 2] : (ordered[ordered.Count / 2 - 1] + ordered[ordered.Count / 2]) / 2;
        var deviation = gaps.Max(g => Math.Abs(g - median) / median);
        if (deviation > GapTolerance)
        {
            var worst = gaps.MaxBy(g => Math.Abs(g - median));
            return (0, deviation, string.Create(CultureInfo.InvariantCulture,
                $"uneven slice spacing: a gap of {worst:0.###} mm against a median of {median:0.###} mm ({deviation:P1} > {GapTolerance:P0}); missing or extra slices?"));
        }
        return ((distances[^1] - distances[0]) / (distances.Count - 1), deviation, null);
    }

    /// <summary>Real values of every slice, x fastest, as int16 when exact and in range, else float32.</summary>
    private static (Array Data, VoxelType Type) Voxels(List<SliceFacts> sorted, int rows, int columns)
    {
        var plane = rows * columns;
        var real = new float[checked(plane * sorted.Count)];
        var integral = true;
        double min = double.MaxValue, max = double.MinValue;
        for (var k = 0; k < sorted.Count; k++)
        {
            var slice = sorted[k];
            var pixels = DicomPixelData.Create(slice.File);
            if (pixels.SamplesPerPixel != 1)
                throw new NotSupportedException("colour images are not stacked into volumes");
            var slope = slice.Slope ?? pixels.RescaleSlope;
            var intercept = slice.Intercept ?? pixels.RescaleIntercept;
            integral &= slope == Math.Round(slope) && intercept == Math.Round(intercept);
            var stored = pixels.GetStoredValues(slice.Frame);
            var target = real.AsSpan(k * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                var v = stored[i] * slope + intercept;
                if (v < min) min = v;
                if (v > max) max = v;
                target[i] = (float)v;
            }
        }
        if (integral && min >= short.MinValue && max <= short.MaxValue)
        {
            var shorts = new short[real.Length];
            for (var i = 0; i < real.Length; i++) shorts[i] = (short)real[i];
            return (shorts, VoxelType.Int16);
        }
        return (real, VoxelType.Float32);
    }

    private static int Count(List<SliceFacts> slices, Func<SliceFacts, string> key) => slices.Select(key).Distinct().Count();

    private static string Key(double[] values) => string.Join("\\", values.Select(v => Math.Round(v, 4).ToString(CultureInfo.InvariantCulture)));

    private static bool Near(double[] a, double[] b, double tolerance) => a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= tolerance);

    private static bool IsOrthonormal(double[] row, double[] column) =>
        Math.Abs(Dot(row, row) - 1) < 1e-3 && Math.Abs(Dot(column, column) - 1) < 1e-3 && Math.Abs(Dot(row, column)) < 1e-3;

    private static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    private static double[] Cross(double[] a, double[] b) =>
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    private static double[] Normalise(double[] v)
    {
        var n = Math.Sqrt(Dot(v, v));
        return [v[0] / n, v[1] / n, v[2] / n];
    }
}
