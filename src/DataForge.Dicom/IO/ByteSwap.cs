namespace DataForge.Dicom.IO;

/// <summary>Byte order conversion of binary values between little endian (held in memory) and big endian (PS3.5 7.3).</summary>
internal static class ByteSwap
{
    /// <summary>A copy of the bytes with every unit of the given width reversed; trailing partial units are left as they are.</summary>
    public static byte[] Swapped(ReadOnlySpan<byte> data, int unit)
    {
        var copy = data.ToArray();
        SwapInPlace(copy, unit);
        return copy;
    }

    /// <summary>Reverses every unit of the given width in place.</summary>
    public static void SwapInPlace(Span<byte> data, int unit)
    {
        if (unit <= 1) return;
        for (var i = 0; i + unit <= data.Length; i += unit) data.Slice(i, unit).Reverse();
    }
}
