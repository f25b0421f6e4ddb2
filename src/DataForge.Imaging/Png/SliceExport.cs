using DataForge.Imaging.Operations;

namespace DataForge.Imaging.Png;

/// <summary>
/// 2D PNG output of a slice (or of a 2D image such as CR/DX/US stored as a one-slice volume):
/// real values are windowed to [lower, upper] and mapped linearly to 0..255 or 0..65535
/// (rounded half to even). Pixel (column c, row r) is voxel (x = c, y = r) of the slice, rows from
/// the top; reorient to LPS first for the usual radiological view of an axial slice.
/// </summary>
/// <param name="Window">The display window applied before quantisation.</param>
/// <param name="BitDepth">8 or 16.</param>
/// <param name="SliceIndex">The z index of the slice (0 for 2D images).</param>
/// <param name="Frame">The 3D frame of a 4D volume.</param>
/// <param name="CompressionLevel">zlib level of the PNG's pixel data.</param>
public sealed record SliceExport(Window Window, int BitDepth = 8, int SliceIndex = 0, int Frame = 0, int CompressionLevel = 6)
{
    /// <summary>The PNG bytes of the slice.</summary>
    public byte[] Encode(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (BitDepth is not (8 or 16)) throw new ImagingException($"PNG bit depth must be 8 or 16, not {BitDepth}");
        if (SliceIndex < 0 || SliceIndex >= volume.Dim(2)) throw new ImagingException($"slice {SliceIndex} is outside 0..{volume.Dim(2) - 1}");
        if (Frame < 0 || Frame >= volume.FrameCount) throw new ImagingException($"frame {Frame} is outside 0..{volume.FrameCount - 1}");
        var (lower, upper) = Window.Bounds;
        int width = volume.Dim(0), height = volume.Dim(1);
        var frame = volume.FrameToSingles(Frame);
        var slice = frame.AsSpan(SliceIndex * width * height, width * height);
        var top = BitDepth == 8 ? 255.0 : 65535.0;
        var scale = top / (upper - lower);
        var levels = new ushort[slice.Length];
        for (var i = 0; i < slice.Length; i++)
        {
            var v = slice[i];
            levels[i] = float.IsNaN(v) ? (ushort)0 : (ushort)Math.Round(Math.Clamp((v - lower) * scale, 0, top), MidpointRounding.ToEven);
        }
        if (BitDepth == 16) return PngWriter.Encode16(levels, width, height, CompressionLevel);
        var bytes = new byte[levels.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)levels[i];
        return PngWriter.Encode8(bytes, width, height, CompressionLevel);
    }
}
