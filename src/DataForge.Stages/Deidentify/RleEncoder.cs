using System.Buffers.Binary;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// RLE Lossless encoding (PS3.5 Annex G), the inverse of <see cref="DataForge.Dicom.Imaging.RleDecoder"/>: a
/// 64-byte header of segment offsets, then one PackBits segment per byte of each sample, most significant
/// byte first (G.2), each row encoded on its own (G.3.1) and each segment padded to an even length (G.5).
/// </summary>
public static class RleEncoder
{
    /// <summary>Encodes one frame given as native little endian samples interleaved by pixel (PlanarConfiguration 0).</summary>
    public static byte[] EncodeFrame(ReadOnlySpan<byte> frame, int rows, int columns, int samplesPerPixel, int bitsAllocated)
    {
        var bytesPerSample = bitsAllocated / 8;
        var segments = samplesPerPixel * bytesPerSample;
        if (segments is < 1 or > 15) throw new ArgumentException($"RLE holds at most 15 segments, not {segments} (PS3.5 G.5)");
        var pixels = rows * columns;
        if (frame.Length < pixels * segments) throw new ArgumentException("the frame is shorter than its rows, columns and samples say");
        var output = new MemoryStream();
        output.Write(new byte[64]);
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segments);
        var segment = new byte[pixels];
        var stride = segments;
        for (var s = 0; s < segments; s++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + s * 4), (uint)output.Length);
            var offset = s / bytesPerSample * bytesPerSample + (bytesPerSample - 1 - s % bytesPerSample);
            for (var p = 0; p < pixels; p++) segment[p] = frame[p * stride + offset];
            for (var r = 0; r < rows; r++) PackBits(segment.AsSpan(r * columns, columns), output);
            if ((output.Length & 1) == 1) output.WriteByte(0);
        }
        var bytes = output.ToArray();
        header.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>PackBits (PS3.5 G.3.1): runs of two or more equal bytes as -(n-1) and the byte; other bytes as n-1 and n literals (n at most 128).</summary>
    private static void PackBits(ReadOnlySpan<byte> row, Stream output)
    {
        var i = 0;
        while (i < row.Length)
        {
            var run = 1;
            while (i + run < row.Length && run < 128 && row[i + run] == row[i]) run++;
            if (run >= 2)
            {
                output.WriteByte((byte)(257 - run));
                output.WriteByte(row[i]);
                i += run;
                continue;
            }
            var start = i;
            // A literal ends where a run of three begins: shorter repeats cost as much either way.
            while (i < row.Length && i - start < 128 && !(i + 2 < row.Length && row[i] == row[i + 1] && row[i] == row[i + 2])) i++;
            output.WriteByte((byte)(i - start - 1));
            output.Write(row[start..i]);
        }
    }
}
