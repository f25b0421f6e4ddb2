using System.Buffers.Binary;
using System.Globalization;
using DataForge.Dicom;
using DataForge.Imaging.Png;
using DataForge.Imaging.Raster;

namespace DataForge.Stages.Png;

/// <summary>
/// The frames of an instance whose pixels are IEEE floats (Float Pixel Data 7FE0,0008 or Double Float Pixel Data
/// 7FE0,0009, PS3.3 C.7.6.24-25: a Parametric Map), as the png layout writes them: every frame's values exactly, as a
/// float TIFF, or as doubles for rendering through a window.
/// </summary>
internal sealed class FloatFrames
{
    private readonly ReadOnlyMemory<byte> _data;

    private FloatFrames(ReadOnlyMemory<byte> data, int bits, int rows, int columns, int count)
    {
        _data = data;
        Bits = bits;
        Rows = rows;
        Columns = columns;
        Count = count;
    }

    /// <summary>32 or 64.</summary>
    public int Bits { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Number of frames.</summary>
    public int Count { get; }

    private int FrameBytes => Rows * Columns * Bits / 8;

    /// <summary>The instance's float frames, or null when its pixels are not floats.</summary>
    /// <exception cref="DicomFormatException">The float pixel data is shorter than its frames or not greyscale.</exception>
    public static FloatFrames? Of(DicomDataset ds)
    {
        var bits = ds.Get(DicomTags.FloatPixelData) is DicomElement ? 32 : ds.Get(DicomTags.DoubleFloatPixelData) is DicomElement ? 64 : 0;
        if (bits == 0) return null;
        var element = (DicomElement)ds.Get(bits == 32 ? DicomTags.FloatPixelData : DicomTags.DoubleFloatPixelData)!;
        var rows = (int)(ds.GetInteger(DicomTags.Rows) ?? 0);
        var columns = (int)(ds.GetInteger(DicomTags.Columns) ?? 0);
        var frames = (int)(ds.GetInteger(DicomTags.NumberOfFrames) ?? 1);
        if ((ds.GetInteger(DicomTags.SamplesPerPixel) ?? 1) != 1)
            throw new DicomFormatException("float pixel data of more than one sample per pixel is not supported", tag: DicomTags.SamplesPerPixel);
        if (rows < 1 || columns < 1 || frames < 1 || element.Length < (long)rows * columns * frames * bits / 8)
            throw new DicomFormatException($"the float pixel data holds {element.Length} bytes, less than {frames} frames of {columns}x{rows} {bits}-bit values", tag: element.Tag);
        return new FloatFrames(element.Data, bits, rows, columns, frames);
    }

    /// <summary>The frame (from 0) as a float TIFF of its own width: every value's bits as stored.</summary>
    public byte[] Tiff(int frame, double[]? spacing)
    {
        var bytes = _data.Span.Slice(frame * FrameBytes, FrameBytes);
        if (Bits == 32)
        {
            var values = new float[Rows * Columns];
            for (var i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]));
            return TiffWriter.EncodeFloat(values, Columns, Rows, spacing);
        }
        var doubles = new double[Rows * Columns];
        for (var i = 0; i < doubles.Length; i++) doubles[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]));
        return TiffWriter.EncodeDouble(doubles, Columns, Rows, spacing);
    }

    /// <summary>The frame's values as doubles (for rendering).</summary>
    public double[] Values(int frame)
    {
        var bytes = _data.Span.Slice(frame * FrameBytes, FrameBytes);
        var values = new double[Rows * Columns];
        for (var i = 0; i < values.Length; i++)
            values[i] = Bits == 32 ? BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
        return values;
    }

    /// <summary>The Pixel Spacing of the shared Pixel Measures functional group (PS3.3 C.7.6.16.2.1), or null.</summary>
    public static double[]? SharedSpacing(DicomDataset ds)
    {
        if (ds.Get(DicomTags.SharedFunctionalGroupsSequence) is not DicomSequence { Items.Count: > 0 } shared) return null;
        if (shared.Items[0].Get(DicomTags.PixelMeasuresSequence) is not DicomSequence { Items.Count: > 0 } measures) return null;
        var m = measures.Items[0];
        return m.GetNumber(DicomTags.PixelSpacing, 0) is { } r && m.GetNumber(DicomTags.PixelSpacing, 1) is { } c ? [r, c] : null;
    }
}
