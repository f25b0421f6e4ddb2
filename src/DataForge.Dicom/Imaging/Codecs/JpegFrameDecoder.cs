using System.Runtime.CompilerServices;
using JpegLibrary;

namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG (ITU-T T.81) frames through the managed JpegLibrary: baseline and extended DCT (Processes 1, 2 and 4) and
/// lossless (Process 14, any predictor). Components are returned as coded: DataForge does no colour transform here
/// (PS3.5 8.2.1: the Photometric Interpretation says what the decoded samples are). JpegLibrary repeats subsampled chroma.
/// </summary>
internal sealed class JpegFrameDecoder(bool lossless) : IFrameDecoder
{
    public byte[] Decode(ReadOnlySpan<byte> codestream, FrameGeometry geometry)
    {
        var decoder = new JpegDecoder();
        decoder.SetInput(codestream.ToArray());
        int precision;
        try
        {
            decoder.Identify();
            precision = decoder.Precision;
            geometry.Check("JPEG", decoder.Width, decoder.Height, decoder.NumberOfComponents, precision);
        }
        catch (InvalidDataException e) { throw Damaged(e); }
        var planes = new ComponentPlanes(decoder, geometry.Columns, geometry.Rows);
        decoder.SetOutputWriter(planes);
        try { decoder.Decode(); }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            throw Damaged(e);
        }
        // DCT processes may overshoot the sample range by rounding; the lossless process cannot.
        var max = lossless ? int.MaxValue : (1 << precision) - 1;
        return planes.Interleave(geometry, max);
    }

    private static DicomFormatException Damaged(Exception e) =>
        new($"the JPEG codestream cannot be decoded ({e.Message}); it is damaged or truncated", tag: DicomTags.PixelData);

    /// <summary>Collects the decoder's 8x8 blocks into one full-resolution plane per component.</summary>
    private sealed class ComponentPlanes : JpegBlockOutputWriter
    {
        private readonly int _width, _height;
        private readonly ushort[][] _planes;

        public ComponentPlanes(JpegDecoder decoder, int width, int height)
        {
            _width = width;
            _height = height;
            var count = decoder.NumberOfComponents;
            _planes = new ushort[count][];
            for (var c = 0; c < count; c++) _planes[c] = new ushort[width * height];
        }

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            var plane = _planes[componentIndex];
            for (var row = 0; row < 8 && y + row < _height; row++)
            for (var column = 0; column < 8 && x + column < _width; column++)
            {
                // Lossless samples of up to 16 bits arrive as the bit pattern of a short.
                plane[(y + row) * _width + x + column] = (ushort)Unsafe.Add(ref blockRef, row * 8 + column);
            }
        }

        public byte[] Interleave(FrameGeometry geometry, int max)
        {
            var size = geometry.BitsAllocated / 8;
            var samples = _planes.Length;
            var output = new byte[geometry.FrameBytes];
            for (var c = 0; c < samples; c++)
            {
                var plane = _planes[c];
                for (var p = 0; p < plane.Length; p++)
                {
                    int value = plane[p];
                    if (max != int.MaxValue) value = Math.Clamp((int)(short)plane[p], 0, max);
                    var o = (p * samples + c) * size;
                    output[o] = (byte)value;
                    if (size == 2) output[o + 1] = (byte)(value >> 8);
                }
            }
            return output;
        }
    }
}
