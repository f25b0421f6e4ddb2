using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Stages.Labels;

namespace DataForge.Stages.Layouts;

/// <summary>
/// The label map of a training case: its masks (one per mask annotation) checked against the image's grid and merged
/// into one map in manifest order, a later mask's non-zero voxels painting over an earlier one's (a tumour drawn inside
/// an organ keeps the tumour's class). <see cref="Overlap"/> counts the voxels that two or more masks claim. Class ids
/// are 0 to 65535 (what <see cref="MaskImport"/> publishes); the map is held as uint16, and uint8 / uint16 masks
/// without scaling are read as they are stored (a CT-sized mask costs no float copy).
/// </summary>
public sealed class CaseLabels
{
    private CaseLabels(int[] shape, Affine affine, ushort[] values, long overlap, IReadOnlyList<(string Annotation, byte[] Bytes)> masks)
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
    public ushort[] Values { get; }

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
        Painter? painter = null;
        Affine? affine = null;
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
            painter ??= new Painter(label.VoxelCount);
            if (!painter.Paint(label))
                throw new LayoutException($"case {c.Id}: the mask of '{mask.Annotation}' holds a voxel that is not a class id (0 to 65535)");
        }
        return new CaseLabels(imageShape.ToArray(), affine!, painter!.Values, painter.Overlap, bytes);
    }

    /// <summary>The map as a NIfTI volume: uint8 when every id fits, else uint16; <paramref name="renumber"/> maps each id first.</summary>
    public Volume ToVolume(Func<int, int>? renumber = null)
    {
        // Few distinct ids: renumber through a table, not per voxel.
        var table = new Dictionary<ushort, int>();
        foreach (var v in Values)
            if (!table.ContainsKey(v)) table[v] = renumber is null ? v : renumber(v);
        if (table.Values.All(v => v is >= 0 and <= byte.MaxValue))
            return new Volume(Shape, Array.ConvertAll(Values, v => (byte)table[v]), Affine);
        return new Volume(Shape, Array.ConvertAll(Values, v => checked((ushort)table[v])), Affine);
    }

    /// <summary>Paints masks one after the other into one map, counting voxels claimed twice once each.</summary>
    private sealed class Painter(int voxels)
    {
        private bool[]? _claimed;

        public ushort[] Values { get; } = new ushort[voxels];

        public long Overlap { get; private set; }

        /// <summary>False when a voxel is not an integer from 0 to 65535.</summary>
        public bool Paint(Volume label)
        {
            if (label.Scaling.IsIdentity && label.Type == VoxelType.UInt8)
            {
                var v = label.Voxels<byte>();
                for (var i = 0; i < v.Length; i++)
                    if (v[i] != 0) Put(i, v[i]);
                return true;
            }
            if (label.Scaling.IsIdentity && label.Type == VoxelType.UInt16)
            {
                var v = label.Voxels<ushort>();
                for (var i = 0; i < v.Length; i++)
                    if (v[i] != 0) Put(i, v[i]);
                return true;
            }
            var f = label.ToSingles();
            for (var i = 0; i < f.Length; i++)
            {
                if (f[i] == 0) continue;
                if (!float.IsFinite(f[i]) || f[i] != MathF.Round(f[i]) || f[i] is < 0 or > ushort.MaxValue) return false;
                Put(i, (ushort)f[i]);
            }
            return true;
        }

        private void Put(int i, ushort value)
        {
            if (Values[i] != 0)
            {
                _claimed ??= new bool[Values.Length];
                if (!_claimed[i])
                {
                    _claimed[i] = true;
                    Overlap++;
                }
            }
            Values[i] = value;
        }
    }
}
