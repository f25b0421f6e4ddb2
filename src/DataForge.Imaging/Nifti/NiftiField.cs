using System.Buffers.Binary;

namespace DataForge.Imaging.Nifti;

/// <summary>Storage of a numeric header field.</summary>
internal enum FieldKind
{
    UInt8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
}

/// <summary>
/// A numeric header field (or array of fields) at a fixed byte offset: the unit of
/// <see cref="NiftiLayout"/>, read and written in either byte order.
/// </summary>
internal readonly record struct NiftiField(int Offset, FieldKind Kind)
{
    public int Width => Kind switch
    {
        FieldKind.UInt8 => 1,
        FieldKind.Int16 => 2,
        FieldKind.Int32 or FieldKind.Float32 => 4,
        _ => 8,
    };

    /// <summary>Byte offset of element <paramref name="index"/> of an array field.</summary>
    public int At(int index) => Offset + index * Width;

    public double Read(ReadOnlySpan<byte> header, bool bigEndian, int index = 0)
    {
        var b = header.Slice(At(index), Width);
        return Kind switch
        {
            FieldKind.UInt8 => b[0],
            FieldKind.Int16 => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
            FieldKind.Int32 => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
            FieldKind.Int64 => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
            FieldKind.Float32 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
            _ => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
        };
    }

    public long ReadInteger(ReadOnlySpan<byte> header, bool bigEndian, int index = 0)
    {
        var b = header.Slice(At(index), Width);
        return Kind == FieldKind.Int64
            ? bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b)
            : (long)Read(header, bigEndian, index);
    }

    /// <summary>Writes little-endian; integers are rounded to nearest.</summary>
    public void Write(Span<byte> header, double value, int index = 0)
    {
        var b = header.Slice(At(index), Width);
        switch (Kind)
        {
            case FieldKind.UInt8: b[0] = checked((byte)value); break;
            case FieldKind.Int16: BinaryPrimitives.WriteInt16LittleEndian(b, checked((short)Math.Round(value))); break;
            case FieldKind.Int32: BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)Math.Round(value))); break;
            case FieldKind.Int64: BinaryPrimitives.WriteInt64LittleEndian(b, checked((long)Math.Round(value))); break;
            case FieldKind.Float32: BinaryPrimitives.WriteSingleLittleEndian(b, (float)value); break;
            default: BinaryPrimitives.WriteDoubleLittleEndian(b, value); break;
        }
    }
}
