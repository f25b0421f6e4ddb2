using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DataForge.Imaging;

/// <summary>The descriptor of voxels stored as <typeparamref name="T"/>.</summary>
internal sealed class VoxelType<T> : VoxelType where T : unmanaged, INumber<T>, IMinMaxValue<T>
{
    public VoxelType(string name, short code) : base(name, code, System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
    {
    }

    public override bool IsInteger => typeof(T) != typeof(float) && typeof(T) != typeof(double);

    public override double MinValue => double.CreateTruncating(T.MinValue);

    public override double MaxValue => double.CreateTruncating(T.MaxValue);

    public override Type ClrType => typeof(T);

    public override TResult Dispatch<TResult>(IVoxelFunction<TResult> function) => function.Invoke<T>();

    public override Array Allocate(int length) => new T[length];

    internal override Span<byte> Bytes(Array buffer) => MemoryMarshal.AsBytes(((T[])buffer).AsSpan());

    internal override void SwapBytes(Array buffer)
    {
        var span = ((T[])buffer).AsSpan();
        switch (Size)
        {
            case 2:
                var s = MemoryMarshal.Cast<T, ushort>(span);
                BinaryPrimitives.ReverseEndianness(s, s);
                break;
            case 4:
                var i = MemoryMarshal.Cast<T, uint>(span);
                BinaryPrimitives.ReverseEndianness(i, i);
                break;
            case 8:
                var l = MemoryMarshal.Cast<T, ulong>(span);
                BinaryPrimitives.ReverseEndianness(l, l);
                break;
        }
    }

    public override void ToSingle(Array buffer, int start, Span<float> destination, IntensityScaling scaling)
    {
        var source = ((T[])buffer).AsSpan(start, destination.Length);
        if (scaling.IsIdentity)
        {
            for (var n = 0; n < source.Length; n++) destination[n] = float.CreateTruncating(source[n]);
            return;
        }
        var slope = scaling.Slope;
        var inter = scaling.Intercept;
        for (var n = 0; n < source.Length; n++)
            destination[n] = (float)(slope * double.CreateTruncating(source[n]) + inter);
    }

    public override Array FromSingle(ReadOnlySpan<float> values)
    {
        var result = new T[values.Length];
        if (IsInteger)
        {
            for (var n = 0; n < values.Length; n++)
            {
                var v = values[n];
                result[n] = float.IsNaN(v) ? T.Zero : T.CreateSaturating(MathF.Round(v, MidpointRounding.ToEven));
            }
        }
        else
        {
            for (var n = 0; n < values.Length; n++) result[n] = T.CreateTruncating(values[n]);
        }
        return result;
    }
}
