using DataForge.Imaging;
using DataForge.Imaging.Nifti;

namespace DataForge.Stages.Labels;

/// <summary>
/// The label map of a training case: its masks (one per mask annotation) checked against the image's grid and merged
/// into one map in manifest order, a later mask's non-zero voxels painting over an earlier one's (a tumour drawn inside
/// an organ keeps the tumour's class). <see cref="Overlap"/> counts the voxels that two or more masks claim.
/// </summary>
public sealed class CaseLabels
{
    private CaseLabels(int[] shape, Affine affine, int[] values, long overlap, IReadOnlyList<(string Annotation, byte[] Bytes)> masks)
    {
        Shape = shape;
        Affine = affine;
        Values = values;
        Overlap = overlap;
        Masks = masks;
    }

    /// <summary>The grid's shape (the image's).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The label map's affine (the first mask's, within <see cref="NnUnetLayout.AffineTolerance"/> of the image's).</summary>
    public Affine Affine { get; }

    /// <summary>The merged class ids, in the NIfTI voxel order.</summary>
    public int[] Values { get; }

    /// <summary>Voxels that more than one mask labels (non-zero in two or more).</summary>
    public long Overlap { get; }

    /// <summary>Each mask's own bytes as the upstream stage gave them (.nii or .nii.gz), in manifest order.</summary>
    public IReadOnlyList<(string Annotation, byte[] Bytes)> Masks { get; }

    /// <summary>
    /// Reads and merges the masks of <paramref name="c"/>; each must have the image's shape and an affine within
    /// <see cref="NnUnetLayout.AffineTolerance"/> mm of it (else <see cref="LayoutException"/>, naming the case and annotation).
    /// </summary>
    public static CaseLabels Merge(TrainingCase c, IReadOnlyList<int> imageShape, Affine imageAffine)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Masks.Count == 0) throw new ArgumentException("the case has no mask", nameof(c));
        int[]? values = null;
        bool[]? claimed = null;
        Affine? affine = null;
        long overlap = 0;
        var bytes = new List<(string, byte[])>();
        foreach (var mask in c.Masks)
        {
            var raw = mask.Item.ReadAllBytes();
            bytes.Add((mask.Annotation, raw));
            Volume label;
            try
            {
                label = NiftiReader.Read(new MemoryStream(raw, writable: false), $"{c.Id} {mask.Annotation}");
            }
            catch (Exception e) when (e is NiftiFormatException or ImagingException)
            {
                throw new LayoutException($"case {c.Id}: the mask of '{mask.Annotation}' cannot be read: {e.Message}");
            }
            if (!imageShape.SequenceEqual(label.Shape))
                throw new LayoutException($"case {c.Id}: image shape [{string.Join(", ", imageShape)}] and the shape of the mask of '{mask.Annotation}' [{string.Join(", ", label.Shape)}] differ");
            if (!imageAffine.ApproximatelyEquals(label.Affine, NnUnetLayout.AffineTolerance))
                throw new LayoutException($"case {c.Id}: image and label affines differ (the mask of '{mask.Annotation}')");
            affine ??= label.Affine;
            var v = label.ToSingles();
            values ??= new int[v.Length];
            claimed ??= new bool[v.Length];
            for (var i = 0; i < v.Length; i++)
            {
                if (v[i] == 0) continue;
                if (values[i] != 0 && !claimed[i])
                {
                    claimed[i] = true;
                    overlap++;
                }
                values[i] = float.IsFinite(v[i]) && v[i] == MathF.Round(v[i]) && v[i] is >= 0 and <= 65535
                    ? (int)v[i]
                    : throw new LayoutException($"case {c.Id}: the mask of '{mask.Annotation}' holds a voxel that is not a class id (0 to 65535)");
            }
        }
        return new CaseLabels(imageShape.ToArray(), affine!, values!, overlap, bytes);
    }

    /// <summary>The map as a NIfTI volume: uint8 when every id fits, else uint16.</summary>
    public Volume ToVolume(Func<int, int>? renumber = null)
    {
        var mapped = renumber is null ? Values : Values.Select(renumber).ToArray();
        Array data = mapped.All(v => v <= byte.MaxValue) ? mapped.Select(v => (byte)v).ToArray() : mapped.Select(v => checked((ushort)v)).ToArray();
        return new Volume(Shape, data, Affine);
    }
}
