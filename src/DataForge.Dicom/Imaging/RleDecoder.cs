using System.Buffers.Binary;

namespace DataForge.Dicom.Imaging;

/// <summary>RLE Lossless decoding (PS3.5 Annex G): a 64-byte header of segment offsets, then PackBits segments.</summary>
public static class RleDecoder
{
    /// <summary>
    /// Decodes one frame into native little endian samples interleaved by pixel (PlanarConfiguration 0):
    /// segment k holds byte (k mod bytesPerSample) of sample (k div bytesPerSample), most significant byte first (G.2).
    /// </summary>
    public static byte[] DecodeFrame(ReadOnlySpan<byte> frame, int rows, int columns, int samplesPerPixel, int bitsAllocated)
    {
        if (frame.Length < 64) throw new DicomFormatException("RLE frame shorter than its 64-byte header (PS3.5 G.5)");
        var segments = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        var bytesPerSample = bitsAllocated / 8;
        if (segments != samplesPerPixel * bytesPerSample || segments > 15)
            throw new DicomFormatException($"RLE header has {segments} segments, expected {samplesPerPixel * bytesPerSample} (PS3.5 G.5)");
        var pixels = rows * columns;
        var output = new byte[pixels * samplesPerPixel * bytesPerSample];
        var segment = new byte[pixels];
        for (var s = 0; s < segments; s++)
        {
            var start = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + s * 4)..]);
            var end = s + 1 < segments ? (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + s * 4)..]) : frame.Length;
            if (start < 64 || start > frame.Length || end < start || end > frame.Length)
                throw new DicomFormatException($"RLE segment {s} offsets {start}-{end} lie outside the frame of {frame.Length} bytes (PS3.5 G.5)");
            Array.Clear(segment);
            UnpackBits(frame[start..end], segment);
            var sample = s / bytesPerSample;
            var byteInSample = bytesPerSample - 1 - s % bytesPerSample;   // segments run from most to least significant byte
            var stride = samplesPerPixel * bytesPerSample;
            var offset = sample * bytesPerSample + byteInSample;
            for (var p = 0; p < pixels; p++) output[p * stride + offset] = segment[p];
        }
        return output;
    }

    /// <summary>PackBits (PS3.5 G.3.1): n in 0..127 copies n+1 bytes, -127..-1 repeats the next byte 1-n times, -128 is skipped.</summary>
    private static void UnpackBits(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int i = 0, o = 0;
        while (i < input.Length && o < output.Length)
        {
            var n = (sbyte)input[i++];
            if (n >= 0)
            {
                var count = Math.Min(n + 1, Math.Min(input.Length - i, output.Length - o));
                input.Slice(i, count).CopyTo(output[o..]);
                i += n + 1;
                o += count;
            }
            else if (n != -128)
            {
                if (i >= input.Length) break;
                var count = Math.Min(1 - n, output.Length - o);
                output.Slice(o, count).Fill(input[i++]);
                o += count;
            }
        }
    }
}
