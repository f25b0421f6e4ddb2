using System.Runtime.CompilerServices;
using JpegLibrary;

namespace DataForge.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG (ITU-T T.81) frames through the managed JpegLibrary: baseline and extended DCT (Processes 1, 2 and 4) and
/// lossless (Process 14). Components are returned as coded: DataForge does no colour transform here
/// (PS3.5 8.2.1: the Photometric Interpretation says what the decoded samples are). JpegLibrary repeats subsampled chroma.
/// Of the lossless predictors, JpegLibrary 0.4.32 decodes selection values 1 (all of .70) and 4 exactly; 2, 3, 5, 6 and 7
/// come out wrong when checked against dcmtk and GDCM, so those and any point transform go to <see cref="LosslessJpegDecoder"/>.
/// </summary>
internal sealed class JpegFrameDecoder(bool lossless) : IFrameDecoder
{
    /// <summary>The selection values (predictors, T.81 Table H.1) JpegLibrary decodes exactly.</summary>
    private static readonly int[] ExactPredictors = [1, 4];

    public byte[] Decode(ReadOnlySpan<byte> codestream, FrameGeometry geometry)
    {
        if (lossless && FirstScan(codestream) is var (predictor, pointTransform) && (!ExactPredictors.Contains(predictor) || pointTransform != 0))
        {
            try { return LosslessJpegDecoder.Decode(codestream, geometry); }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException) { throw Damaged(e); }
        }
        var decoder = new JpegDecoder();
        decoder.SetInput(codestream.ToArray());
        int precision;
        try
        {
            decoder.Identify();
            precision = decoder.Precision;
            geometry.Check("JPEG", decoder.Width, decoder.Height, decoder.NumberOfComponents, precision);
        }
        catch (Exception e) when (e is not (NotSupportedException or DicomFormatException or OutOfMemoryException)) { throw Damaged(e); }
        var planes = new ComponentPlanes(decoder, geometry.Columns, geometry.Rows);
        decoder.SetOutputWriter(planes);
        try { decoder.Decode(); }
        catch (Exception e) when (e is not (NotSupportedException or OutOfMemoryException))
        {
            // JpegLibrary reports a damaged stream with whatever exception it hits first.
            throw Damaged(e);
        }
        // DCT processes may overshoot the sample range by rounding; the lossless process cannot.
        var max = lossless ? int.MaxValue : (1 << precision) - 1;
        return planes.Interleave(geometry, max);
    }

    /// <summary>Ss (the predictor) and Al (the point transform) of the first Start of Scan (T.81 B.2.3), when found.</summary>
    private static (int Predictor, int PointTransform)? FirstScan(ReadOnlySpan<byte> codestream)
    {
        var i = 2;   // after SOI
        while (i + 4 <= codestream.Length)
        {
            if (codestream[i] != 0xFF) return null;
            var marker = codestream[i + 1];
            if (marker == 0xFF) { i++; continue; }   // fill byte
            var length = codestream[i + 2] << 8 | codestream[i + 3];
            if (marker == 0xDA)
            {
                var components = i + 4 < codestream.Length ? codestream[i + 4] : 0;
                var at = i + 5 + 2 * components;
                return at + 2 < codestream.Length ? (codestream[at], codestream[at + 2] & 0x0F) : null;
            }
            i += 2 + length;
        }
        return null;
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
