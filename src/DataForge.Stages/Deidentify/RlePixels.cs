using System.Buffers.Binary;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Clean Pixel Data on RLE Lossless pixel data: each frame is decoded (<see cref="RleDecoder"/>), its
/// rectangles set to zero, and encoded again (<see cref="RleEncoder"/>), one fragment per frame with a
/// Basic Offset Table (PS3.5 A.4, G.5). The transfer syntax stays RLE Lossless.
/// </summary>
internal static class RlePixels
{
    /// <summary>Blanks the rules' rectangles in every frame; returns why it cannot, or null when done.</summary>
    public static string? Blank(DicomDataset ds, DicomFragmentSequence pixels, int rows, int columns, int samples, int bits, int frames,
        IReadOnlyList<PixelCleaner.Rule> rules)
    {
        if (samples * bits / 8 > 15) return "pixel cleaning: RLE data with more than 15 segments per frame cannot be cleaned, so the instance is excluded";
        if (Frames(pixels, frames) is not { } encoded)
            return "pixel cleaning: the RLE fragments cannot be told apart into frames (no Basic Offset Table, one fragment per frame expected), so the instance is excluded";
        var offsets = new byte[frames * 4];
        var fragments = new List<byte[]>(frames);
        uint position = 0;
        for (var f = 0; f < frames; f++)
        {
            byte[] frame;
            try
            {
                frame = RleDecoder.DecodeFrame(encoded[f], rows, columns, samples, bits);
            }
            catch (DicomFormatException)
            {
                return "pixel cleaning: an RLE frame cannot be decoded (PS3.5 G.5), so the instance is excluded";
            }
            // Decoded samples are interleaved by pixel whatever Planar Configuration says (PS3.5 G.2).
            PixelCleaner.BlankFrames(frame, rows, columns, samples, bits, planar: 0, frames: 1, rules);
            var fragment = RleEncoder.EncodeFrame(frame, rows, columns, samples, bits);
            BinaryPrimitives.WriteUInt32LittleEndian(offsets.AsSpan(f * 4), position);
            position += (uint)(8 + fragment.Length);
            fragments.Add(fragment);
        }
        ds.Add(new DicomFragmentSequence(DicomTags.PixelData, pixels.VR, offsets, fragments));
        return null;
    }

    /// <summary>The encoded bytes of each frame: by the Basic Offset Table, else one fragment per frame, else (one frame) all fragments.</summary>
    private static List<byte[]>? Frames(DicomFragmentSequence pixels, int frames)
    {
        if (frames == 1) return [pixels.Fragments.SelectMany(f => f).ToArray()];
        var offsets = pixels.Offsets;
        if (offsets.Count == frames)
        {
            var result = new List<byte[]>();
            for (var f = 0; f < frames; f++)
            {
                var end = f + 1 < frames ? offsets[f + 1] : long.MaxValue;
                long position = 0;
                var bytes = new List<byte>();
                // Offsets count from the first byte of the first fragment's item header, 8 bytes per item header.
                foreach (var fragment in pixels.Fragments)
                {
                    if (position >= offsets[f] && position < end) bytes.AddRange(fragment);
                    position += 8 + fragment.Length;
                }
                result.Add([.. bytes]);
            }
            return result;
        }
        return pixels.Fragments.Count == frames ? pixels.Fragments.ToList() : null;
    }
}
