using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Operations;
using DataForge.Stages.Volumes;

namespace DataForge.Stages.Labels;

/// <summary>
/// A segmentation mask checked against its image volume and re-encoded: same shape, an affine within
/// <see cref="AffineTolerance"/> mm of the image's (after turning a mask stored in another axis order), every voxel a finite integer among the schema's
/// class ids (any id from 0 to 65535 when the schema lists none). The published mask is uint8 (uint16
/// above 255) with the image's own affine, so it carries nothing of the source header.
/// </summary>
public static class MaskImport
{
    /// <summary>Largest difference allowed between an element of the mask's and the image's affine (mm).</summary>
    public const double AffineTolerance = SubSeriesVolumes.GridTolerance;

    /// <summary>The re-encoded mask and the class ids present, or the problems (check, message).</summary>
    public static (byte[]? Bytes, IReadOnlyList<int> Classes, IReadOnlyList<(string Check, string Message)> Problems) Check(
        Volume mask, ImageGeometry image, IReadOnlyList<(int Id, string Name)> classes)
    {
        var problems = new List<(string, string)>();
        mask = InImageOrder(mask, image);
        var shape = mask.Shape.ToArray();
        var spatial = shape.Length <= 3 || shape.Skip(3).All(d => d == 1);
        if (!spatial || shape.Length < 3 || !shape.Take(3).SequenceEqual(image.Shape.Take(3)))
            problems.Add(("geometry", $"mask shape [{string.Join(", ", shape)}] differs from the image's [{string.Join(", ", image.Shape)}]"));
        else if (!mask.Affine.ApproximatelyEquals(image.Affine, AffineTolerance))
            problems.Add(("geometry", $"mask affine differs from the image's by more than {AffineTolerance} mm"));
        if (problems.Count > 0) return (null, [], problems);

        var allowed = classes.Count > 0 ? classes.Select(c => c.Id).ToHashSet() : null;
        var values = mask.ToSingles();
        var present = new SortedSet<int>();
        long nan = 0, fractional = 0;
        var unknown = new SortedSet<double>();
        var max = allowed?.Max() ?? 0;
        var labels = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!float.IsFinite(v)) { nan++; continue; }
            if (v != MathF.Round(v)) { fractional++; continue; }
            if (v < 0 || v > 65535 || (allowed is not null && !allowed.Contains((int)v))) { unknown.Add(v); continue; }
            labels[i] = (int)v;
            present.Add((int)v);
            max = Math.Max(max, (int)v);
        }
        if (nan > 0) problems.Add(("values", $"{nan} voxels are NaN or infinite"));
        if (fractional > 0) problems.Add(("values", $"{fractional} voxels are not integers"));
        if (unknown.Count > 0) problems.Add(("values", $"values not in the schema's class ids: {string.Join(", ", unknown.Take(10))}"));
        if (problems.Count > 0) return (null, [], problems);

        Array data = max <= 255 ? labels.Select(v => (byte)v).ToArray() : labels.Select(v => (ushort)v).ToArray();
        var clean = new Volume(image.Shape.Take(3).ToArray(), data, image.Affine);
        return (NiftiWriter.Encode(clean, gzip: true), present.ToList(), problems);
    }

    /// <summary>
    /// A mask on the image's voxels but stored in another axis order (dcm2niix, ITK and 3D Slicer each
    /// write their own) turned to the image's order: axes permuted and flipped, no interpolation. Any
    /// other mask is returned as it is, for the shape and affine checks to report.
    /// </summary>
    private static Volume InImageOrder(Volume mask, ImageGeometry image)
    {
        if (mask.Shape.Length != 3 || mask.Affine.ApproximatelyEquals(image.Affine, AffineTolerance)) return mask;
        try
        {
            var turned = new Reorient(AxisCodes.Format(AxisCodes.Of(image.Affine))).Apply(mask);
            return turned.Shape.ToArray().SequenceEqual(image.Shape.Take(3)) && turned.Affine.ApproximatelyEquals(image.Affine, AffineTolerance)
                ? turned
                : mask;
        }
        catch (ImagingException)
        {
            return mask;
        }
    }
}
