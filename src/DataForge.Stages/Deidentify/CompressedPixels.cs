using System.Buffers.Binary;
using System.Globalization;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.Imaging.Codecs;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Clean Pixel Data on compressed pixel data other than RLE (JPEG, JPEG-LS, JPEG 2000, HTJ2K): every frame is decoded
/// (<see cref="DicomPixelData"/>), its rectangles set to zero, and encoded again losslessly, one fragment per frame behind
/// a Basic Offset Table (PS3.5 A.4). The sender's syntax is kept when it is lossless and DataForge can write it (JPEG-LS
/// Lossless, through CharLS); every other syntax becomes RLE Lossless (PS3.5 Annex G), which needs no native library,
/// so the output of a build never depends on what is installed. Lossy data is never compressed lossily again: its
/// decoded samples are written losslessly, and Lossy Image Compression (0028,2110) stays or becomes 01 with the method
/// and ratio of the sender's compression (PS3.3 C.7.6.1.1.5: once lossy, an image says so for good).
/// </summary>
internal static class CompressedPixels
{
    /// <summary>Blanks the rules' rectangles in every frame and re-encodes; returns why it cannot, or null when done.</summary>
    public static string? Blank(DicomFile file, IReadOnlyList<PixelCleaner.Rule> rules)
    {
        var ds = file.Dataset;
        var from = file.TransferSyntax;
        if (FrameDecoders.For(from) is null)
            return $"pixel cleaning: {from.Name} pixel data cannot be decoded, so the instance is excluded";
        if (ds.Get(DicomTags.PixelData) is not DicomFragmentSequence encoded)
            return $"pixel cleaning: the transfer syntax is {from.Name} but Pixel Data holds no fragments (PS3.5 A.4), so the instance is excluded";
        DicomPixelData pixels;
        try
        {
            pixels = DicomPixelData.Create(file);
        }
        catch (DicomFormatException e)
        {
            return $"pixel cleaning: {e.Reason}, so the instance is excluded";
        }
        if (pixels.BitsAllocated is not (8 or 16))
            return $"pixel cleaning: compressed pixel data with Bits Allocated {pixels.BitsAllocated.ToString(CultureInfo.InvariantCulture)} cannot be cleaned, so the instance is excluded";
        var to = from == DicomTransferSyntax.JPEGLSLossless ? from : DicomTransferSyntax.RLELossless;
        var geometry = new FrameGeometry(pixels.Rows, pixels.Columns, pixels.SamplesPerPixel, pixels.BitsAllocated, pixels.BitsStored);
        if (to == DicomTransferSyntax.RLELossless && geometry.SamplesPerPixel * geometry.BitsAllocated / 8 > 15)
            return "pixel cleaning: the frames need more than 15 RLE segments (PS3.5 G.5), so the instance is excluded";
        var encodedBefore = encoded.Fragments.Sum(f => (long)f.Length);
        var offsets = new byte[pixels.NumberOfFrames * 4];
        var fragments = new List<byte[]>(pixels.NumberOfFrames);
        uint position = 0;
        for (var f = 0; f < pixels.NumberOfFrames; f++)
        {
            byte[] frame;
            try
            {
                frame = Native(pixels.GetStoredValues(f), geometry);
            }
            catch (DicomFormatException e)
            {
                // The reason names the frame and where its codestream is.
                return $"pixel cleaning: {e.Reason}, so the instance is excluded";
            }
            catch (NotSupportedException e)
            {
                // A codec that is not installed (its message names the package) or a process DataForge does not decode.
                return $"pixel cleaning: frame {(f + 1).ToString(CultureInfo.InvariantCulture)} cannot be decoded: {e.Message}; the instance is excluded";
            }
            PixelCleaner.BlankFrames(frame, geometry.Rows, geometry.Columns, geometry.SamplesPerPixel, geometry.BitsAllocated, planar: 0, frames: 1, rules);
            byte[] fragment;
            try
            {
                fragment = to == DicomTransferSyntax.RLELossless
                    ? RleEncoder.EncodeFrame(frame, geometry.Rows, geometry.Columns, geometry.SamplesPerPixel, geometry.BitsAllocated)
                    : JpegLsFrameEncoder.Encode(frame, geometry);
            }
            catch (Exception e) when (e is DicomFormatException or NotSupportedException)
            {
                var why = e is DicomFormatException d ? d.Reason : e.Message;
                return $"pixel cleaning: frame {(f + 1).ToString(CultureInfo.InvariantCulture)} cannot be encoded again ({why}), so the instance is excluded";
            }
            // PS3.5 A.4: every fragment has an even length.
            if ((fragment.Length & 1) == 1) fragment = [.. fragment, 0];
            BinaryPrimitives.WriteUInt32LittleEndian(offsets.AsSpan(f * 4), position);
            position += (uint)(8 + fragment.Length);
            fragments.Add(fragment);
        }
        if (from.IsLossy || ds.GetString(DicomTags.LossyImageCompression)?.Trim() == "01")
            MarkLossy(ds, from, (double)geometry.FrameBytes * pixels.NumberOfFrames / Math.Max(1, encodedBefore));
        Describe(ds, pixels);
        ds.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, offsets, fragments));
        // Offsets into the old fragments would point anywhere in the new ones.
        ds.Remove(DicomTags.ExtendedOffsetTable);
        ds.Remove(DicomTags.ExtendedOffsetTableLengths);
        file.Meta.Add(DicomTags.TransferSyntaxUID, to.Uid);
        return null;
    }

    /// <summary>What the report says was done to the pixels of a cleaned instance of <paramref name="from"/>, now in <paramref name="to"/>.</summary>
    public static string Outcome(DicomTransferSyntax from, DicomTransferSyntax to) =>
        !from.IsEncapsulated ? "blanked"
        : from == to ? $"blanked, kept as {to.Name}"
        : $"blanked, re-encoded from {from.Name} as {to.Name}";

    /// <summary>
    /// The decoded samples as native little endian words of Bits Allocated, interleaved by pixel; signed samples carry
    /// their sign in the unused high bits, as writers of native data do.
    /// </summary>
    private static byte[] Native(long[] values, FrameGeometry geometry)
    {
        var frame = new byte[geometry.FrameBytes];
        if (geometry.BitsAllocated == 8)
            for (var i = 0; i < values.Length; i++) frame[i] = (byte)values[i];
        else
            for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(2 * i), (ushort)values[i]);
        return frame;
    }

    /// <summary>
    /// The Image Pixel module as the decoded samples are: interleaved by pixel, full-size chroma (YBR_FULL_422 decodes to
    /// YBR_FULL) and RGB for JPEG 2000's component transforms, which the decoder undid (PS3.5 8.2.1, 8.2.4).
    /// </summary>
    private static void Describe(DicomDataset ds, DicomPixelData pixels)
    {
        if (pixels.SamplesPerPixel == 1) return;
        ds.Add(DicomTags.PlanarConfiguration, (ushort)0);
        var photometric = pixels.PhotometricInterpretation.Trim();
        if (photometric == "YBR_FULL_422") ds.Add(DicomTags.PhotometricInterpretation, "YBR_FULL");
        else if (photometric is "YBR_RCT" or "YBR_ICT") ds.Add(DicomTags.PhotometricInterpretation, "RGB");
    }

    /// <summary>
    /// Lossy Image Compression 01, and the method and ratio of the sender's compression when the dataset does not have
    /// them yet (PS3.3 C.7.6.1.1.5.1); the re-encoding adds none, being lossless.
    /// </summary>
    private static void MarkLossy(DicomDataset ds, DicomTransferSyntax from, double ratio)
    {
        ds.Add(DicomTags.LossyImageCompression, "01");
        if (from.LossyMethod is not { } method || ds.Contains(DicomTags.LossyImageCompressionMethod)) return;
        ds.Add(DicomTags.LossyImageCompressionMethod, method);
        if (!ds.Contains(DicomTags.LossyImageCompressionRatio))
            ds.Add(DicomTags.LossyImageCompressionRatio, Math.Round(ratio, 2).ToString("0.##", CultureInfo.InvariantCulture));
    }
}
