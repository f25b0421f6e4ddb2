using System.Collections.Immutable;

namespace DataForge.Imaging;

/// <summary>
/// A voxel grid with its geometry: up to 7 dimensions (x, y, z, then time and components as in
/// NIfTI), stored in x-fastest (Fortran) order in a typed buffer, with qform and sform affines that
/// map voxel indices to RAS+ millimetres. Immutable by convention: operations return new volumes
/// and never write to a buffer they did not allocate. Equality is by reference.
/// </summary>
public sealed record Volume
{
    private readonly Array _data;

    /// <summary>A volume whose qform and sform are both <paramref name="affine"/> with <paramref name="code"/>.</summary>
    public Volume(IReadOnlyList<int> shape, Array data, Affine affine, XformCode code = XformCode.ScannerAnat)
        : this(shape, data)
    {
        Qform = affine;
        Sform = affine;
        QformCode = code;
        SformCode = code;
        var (zx, zy, zz) = affine.Zooms;
        Pixdim = [.. new[] { zx, zy, zz, 1, 1, 1, 1 }.Take(Math.Max(3, shape.Count))];
        SpatialUnit = SpatialUnit.Millimeter;
    }

    private Volume(IReadOnlyList<int> shape, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Count is < 1 or > 7)
            throw new ArgumentException($"a volume has 1 to 7 dimensions, not {shape.Count}", nameof(shape));
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 1) throw new ArgumentException($"dimension {d} is not positive", nameof(shape));
            count = checked(count * d);
        }
        if (data.Rank != 1 || data.LongLength != count)
            throw new ArgumentException($"shape needs {count} voxels but the buffer holds {data.LongLength}", nameof(data));
        Type = VoxelType.OfArray(data);
        Shape = [.. shape];
        _data = data;
        Pixdim = [.. Enumerable.Repeat(1.0, Math.Max(3, shape.Count))];
    }

    /// <summary>
    /// A volume built from a header's fields (qform and sform given separately); used by readers.
    /// </summary>
    public static Volume FromParts(IReadOnlyList<int> shape, Array data, Affine qform, XformCode qformCode,
        Affine sform, XformCode sformCode, IReadOnlyList<double> pixdim) =>
        new(shape, data)
        {
            Qform = qform,
            QformCode = qformCode,
            Sform = sform,
            SformCode = sformCode,
            Pixdim = [.. pixdim],
        };

    /// <summary>A copy of this volume's metadata around a new voxel buffer and shape.</summary>
    public Volume WithVoxels(IReadOnlyList<int> shape, Array data) =>
        new(shape, data)
        {
            Qform = Qform,
            QformCode = QformCode,
            Sform = Sform,
            SformCode = SformCode,
            Pixdim = Pixdim,
            Scaling = Scaling,
            SpatialUnit = SpatialUnit,
            TemporalUnit = TemporalUnit,
            Description = Description,
            IntentCode = IntentCode,
            IntentName = IntentName,
        };

    /// <summary>Size along each dimension, x first.</summary>
    public ImmutableArray<int> Shape { get; }

    /// <summary>The stored type of the voxels.</summary>
    public VoxelType Type { get; }

    /// <summary>Number of voxels (product of the shape).</summary>
    public int VoxelCount => _data.Length;

    /// <summary>Voxels in one 3D frame (x * y * z).</summary>
    public int FrameSize => Dim(0) * Dim(1) * Dim(2);

    /// <summary>Number of 3D frames (product of the dimensions after the third; 1 for a 3D volume).</summary>
    public int FrameCount => VoxelCount / FrameSize;

    /// <summary>Size along dimension <paramref name="axis"/>, 1 beyond the volume's rank.</summary>
    public int Dim(int axis) => axis < Shape.Length ? Shape[axis] : 1;

    /// <summary>The stored voxels; <typeparamref name="T"/> must be the buffer's element type.</summary>
    public ReadOnlySpan<T> Voxels<T>() where T : unmanaged =>
        _data is T[] typed ? typed : throw new InvalidOperationException($"voxels are {Type}, not {typeof(T).Name}");

    /// <summary>The stored voxels as raw bytes in host byte order.</summary>
    public ReadOnlySpan<byte> VoxelBytes => Type.Bytes(_data);

    /// <summary>The stored buffer, for code of this library that dispatches on the element type.</summary>
    internal Array Data => _data;

    /// <summary>Real values (scaling applied) as float32, a new array.</summary>
    public float[] ToSingles()
    {
        var result = new float[VoxelCount];
        Type.ToSingle(_data, 0, result, Scaling);
        return result;
    }

    /// <summary>Real values of 3D frame <paramref name="frame"/> as float32, a new array.</summary>
    public float[] FrameToSingles(int frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, FrameCount);
        var result = new float[FrameSize];
        Type.ToSingle(_data, frame * FrameSize, result, Scaling);
        return result;
    }

    /// <summary>This volume's real values stored as <paramref name="type"/> (rounded and saturated for integers), scaling identity.</summary>
    public Volume ConvertTo(VoxelType type) =>
        WithVoxels(Shape, type.FromSingle(ToSingles())) with { Scaling = IntensityScaling.Identity };

    /// <summary>The qform: the quaternion transform (rigid rotation, voxel size, optional flip).</summary>
    public Affine Qform { get; init; } = Affine.Identity;

    /// <summary>What the qform maps to; Unknown when it should not be used.</summary>
    public XformCode QformCode { get; init; }

    /// <summary>The sform: a general affine.</summary>
    public Affine Sform { get; init; } = Affine.Identity;

    /// <summary>What the sform maps to; Unknown when it should not be used.</summary>
    public XformCode SformCode { get; init; }

    /// <summary>
    /// The transform to use: the sform when its code is set, else the qform when its code is set,
    /// else NIfTI's method 1 (voxel sizes on the diagonal, no rotation or translation).
    /// </summary>
    public Affine Affine =>
        SformCode != XformCode.Unknown ? Sform
        : QformCode != XformCode.Unknown ? Qform
        : Affine.Diagonal(Math.Abs(Pixdim[0]), Math.Abs(Pixdim[1]), Math.Abs(Pixdim[2]));

    /// <summary>Grid spacings pixdim[1..] (mm for x, y, z; the repetition time for t), one per dimension, at least 3.</summary>
    public ImmutableArray<double> Pixdim { get; init; }

    /// <summary>Voxel size along x, y and z (absolute pixdim[1..3]).</summary>
    public (double X, double Y, double Z) Spacing => (Math.Abs(Pixdim[0]), Math.Abs(Pixdim[1]), Math.Abs(Pixdim[2]));

    /// <summary>Stored-to-real value scaling.</summary>
    public IntensityScaling Scaling { get; init; } = IntensityScaling.Identity;

    /// <summary>Unit of the spatial spacings.</summary>
    public SpatialUnit SpatialUnit { get; init; }

    /// <summary>Unit of the time step.</summary>
    public TemporalUnit TemporalUnit { get; init; }

    /// <summary>Free text (at most 80 ASCII bytes are written to NIfTI's descrip).</summary>
    public string Description { get; init; } = "";

    /// <summary>NIfTI intent code (0 none, 1002 label, ...).</summary>
    public short IntentCode { get; init; }

    /// <summary>
    /// NIfTI intent_name (at most 15 ASCII bytes are written). Readers leave it empty: header text reaches an
    /// output only when a caller sets it, after cleaning.
    /// </summary>
    public string IntentName { get; init; } = "";

    public bool Equals(Volume? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

}
