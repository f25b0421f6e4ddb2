namespace DataForge.Imaging;

/// <summary>
/// An immutable descriptor of a voxel's stored type: its NIfTI datatype code (nifti1.h
/// <c>DT_*</c>), size and range. The supported types are data in <see cref="All"/>; code that
/// must work on the typed buffer dispatches once through <see cref="Dispatch{TResult}"/>.
/// </summary>
public abstract class VoxelType
{
    private protected VoxelType(string name, short code, int size)
    {
        Name = name;
        Code = code;
        Size = size;
    }

    /// <summary>Lower-case name as numpy spells it: int16, float32, ...</summary>
    public string Name { get; }

    /// <summary>The NIfTI datatype code (nifti1.h: DT_INT16 = 4, DT_FLOAT32 = 16, ...).</summary>
    public short Code { get; }

    /// <summary>Bytes per voxel.</summary>
    public int Size { get; }

    /// <summary>True for integer types, false for floating point.</summary>
    public abstract bool IsInteger { get; }

    /// <summary>Smallest representable value.</summary>
    public abstract double MinValue { get; }

    /// <summary>Largest representable value.</summary>
    public abstract double MaxValue { get; }

    /// <summary>The CLR element type of the voxel buffer.</summary>
    public abstract Type ClrType { get; }

    public static VoxelType Int8 { get; } = new VoxelType<sbyte>("int8", 256);
    public static VoxelType UInt8 { get; } = new VoxelType<byte>("uint8", 2);
    public static VoxelType Int16 { get; } = new VoxelType<short>("int16", 4);
    public static VoxelType UInt16 { get; } = new VoxelType<ushort>("uint16", 512);
    public static VoxelType Int32 { get; } = new VoxelType<int>("int32", 8);
    public static VoxelType UInt32 { get; } = new VoxelType<uint>("uint32", 768);
    public static VoxelType Int64 { get; } = new VoxelType<long>("int64", 1024);
    public static VoxelType UInt64 { get; } = new VoxelType<ulong>("uint64", 1280);
    public static VoxelType Float32 { get; } = new VoxelType<float>("float32", 16);
    public static VoxelType Float64 { get; } = new VoxelType<double>("float64", 64);

    /// <summary>Every supported type. NIfTI's complex, RGB and float128 types are not supported.</summary>
    public static IReadOnlyList<VoxelType> All { get; } =
        [Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64];

    /// <summary>The type with a NIfTI datatype code, or null when it is not supported.</summary>
    public static VoxelType? FromCode(int code) => All.FirstOrDefault(t => t.Code == code);

    /// <summary>The type with a name (int16, float32, ...), or null.</summary>
    public static VoxelType? FromName(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The type whose buffer holds elements of <typeparamref name="T"/>.</summary>
    public static VoxelType Of<T>() where T : unmanaged =>
        All.FirstOrDefault(t => t.ClrType == typeof(T))
        ?? throw new ArgumentException($"{typeof(T).Name} is not a supported voxel type");

    /// <summary>The type of a voxel buffer (an array of one of the supported element types).</summary>
    public static VoxelType OfArray(Array data) =>
        All.FirstOrDefault(t => t.ClrType == data.GetType().GetElementType())
        ?? throw new ArgumentException($"{data.GetType().Name} is not a supported voxel buffer");

    /// <summary>Calls <paramref name="function"/> with this type's element type as its type argument.</summary>
    public abstract TResult Dispatch<TResult>(IVoxelFunction<TResult> function);

    /// <summary>A new zeroed buffer of <paramref name="length"/> voxels.</summary>
    public abstract Array Allocate(int length);

    /// <summary>The raw bytes of a buffer of this type (host byte order).</summary>
    internal abstract Span<byte> Bytes(Array buffer);

    /// <summary>Reverses the byte order of every element in place.</summary>
    internal abstract void SwapBytes(Array buffer);

    /// <summary>
    /// Converts destination.Length elements from <paramref name="start"/> to float32, applying
    /// real = slope * stored + intercept.
    /// </summary>
    public abstract void ToSingle(Array buffer, int start, Span<float> destination, IntensityScaling scaling);

    /// <summary>A buffer of this type from float values: rounded to nearest (ties to even) and saturated for integers.</summary>
    public abstract Array FromSingle(ReadOnlySpan<float> values);

    public override string ToString() => Name;
}
