using System.Buffers.Binary;
using System.Security.Cryptography;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;

namespace DataForge.Stages.Curate;

/// <summary>
/// What curation needs of an instance's decoded pixels, read once: a hash of the stored values (the same
/// image re-exported under another UID or transfer syntax hashes the same), their range, the fraction at
/// the top of the stored range, and a simple SNR estimate of the first frame.
/// </summary>
internal sealed record PixelSummary(string Hash, long Min, long Max, double SaturatedFraction, double? Snr)
{
    /// <summary>True when every stored value is the same.</summary>
    public bool IsConstant => Min == Max;

    /// <summary>The summary, or null when the encoding cannot be decoded here (a syntax DataForge does not decode, or a codec library that is not installed).</summary>
    /// <exception cref="DicomFormatException">The pixel data is broken (short, bad attributes).</exception>
    public static PixelSummary? Of(DicomFile file)
    {
        DicomPixelData pixels;
        try
        {
            pixels = DicomPixelData.Create(file);
            if (pixels.NumberOfFrames > 0) pixels.GetStoredValues(0);
        }
        catch (NotSupportedException) { return null; }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> word = stackalloc byte[8];
        foreach (var n in new long[] { pixels.Rows, pixels.Columns, pixels.SamplesPerPixel, pixels.NumberOfFrames })
        {
            BinaryPrimitives.WriteInt64LittleEndian(word, n);
            hash.AppendData(word);
        }
        // PS3.5 8.1.1: the largest stored value the bits can hold is where a detector saturates.
        var top = pixels.IsSigned ? (1L << (pixels.BitsStored - 1)) - 1 : (1L << pixels.BitsStored) - 1;
        long min = long.MaxValue, max = long.MinValue, saturated = 0, count = 0;
        double? snr = null;
        var buffer = new byte[8 * pixels.Rows * pixels.Columns * pixels.SamplesPerPixel];
        for (var f = 0; f < pixels.NumberOfFrames; f++)
        {
            var values = pixels.GetStoredValues(f);
            for (var i = 0; i < values.Length; i++)
            {
                var v = values[i];
                if (v < min) min = v;
                if (v > max) max = v;
                if (v == top) saturated++;
                BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(i * 8), v);
            }
            count += values.Length;
            hash.AppendData(buffer, 0, values.Length * 8);
            if (f == 0) snr = EstimateSnr(values);
        }
        if (count == 0) { min = max = 0; }
        return new PixelSummary(Convert.ToHexStringLower(hash.GetHashAndReset()), min, max,
            count == 0 ? 0 : (double)saturated / count, snr);
    }

    /// <summary>
    /// Mean of the pixels above the frame's mean over the standard deviation of those at or below it (a
    /// foreground/background split in the spirit of the NEMA two-region method); null when the background
    /// has no noise at all (synthetic or masked images), where the ratio means nothing.
    /// </summary>
    private static double? EstimateSnr(long[] values)
    {
        if (values.Length == 0) return null;
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        double fgSum = 0, bgSum = 0, bgSq = 0;
        long fg = 0, bg = 0;
        foreach (var v in values)
        {
            if (v > mean) { fgSum += v; fg++; }
            else { bgSum += v; bgSq += (double)v * v; bg++; }
        }
        if (fg == 0 || bg < 2) return null;
        var bgMean = bgSum / bg;
        var variance = Math.Max(0, bgSq / bg - bgMean * bgMean);
        if (variance == 0) return null;
        return (fgSum / fg - bgMean) / Math.Sqrt(variance);
    }
}
