using System.Buffers.Binary;
using DataForge.Dicom.Imaging.Codecs;

namespace DataForge.Dicom.Imaging;

/// <summary>
/// The Image Pixel module of a dataset (PS3.3 C.7.6.3) and access to its frames: native (uncompressed) pixel data and
/// the encapsulated syntaxes <see cref="FrameDecoders"/> decodes (RLE, JPEG, JPEG-LS, JPEG 2000). Others raise
/// <see cref="NotSupportedException"/>, as does a codec whose native library is not installed.
/// </summary>
public sealed class DicomPixelData
{
    private readonly DicomDataset _dataset;
    private readonly DicomTransferSyntax _syntax;

    private DicomPixelData(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        _dataset = dataset;
        _syntax = syntax;
        Rows = Required(DicomTags.Rows);
        Columns = Required(DicomTags.Columns);
        BitsAllocated = Required(DicomTags.BitsAllocated);
        BitsStored = (int)(dataset.GetInteger(DicomTags.BitsStored) ?? BitsAllocated);
        SamplesPerPixel = (int)(dataset.GetInteger(DicomTags.SamplesPerPixel) ?? 1);
        IsSigned = dataset.GetInteger(DicomTags.PixelRepresentation) == 1;
        PlanarConfiguration = (int)(dataset.GetInteger(DicomTags.PlanarConfiguration) ?? 0);
        NumberOfFrames = Math.Max(1, (int)(dataset.GetInteger(DicomTags.NumberOfFrames) ?? 1));
        PhotometricInterpretation = dataset.GetString(DicomTags.PhotometricInterpretation) ?? "MONOCHROME2";
        RescaleSlope = dataset.GetNumber(DicomTags.RescaleSlope) ?? 1.0;
        RescaleIntercept = dataset.GetNumber(DicomTags.RescaleIntercept) ?? 0.0;
        if (BitsAllocated is not (1 or 8 or 16 or 32))
            throw new DicomFormatException($"Bits Allocated {BitsAllocated} is not supported (1, 8, 16 or 32)", tag: DicomTags.BitsAllocated);
        if (BitsStored < 1 || BitsStored > BitsAllocated)
            throw new DicomFormatException($"Bits Stored {BitsStored} does not fit Bits Allocated {BitsAllocated} (PS3.5 8.1.1)", tag: DicomTags.BitsStored);
    }

    /// <summary>Pixel data of a file's dataset.</summary>
    public static DicomPixelData Create(DicomFile file) => Create(file.Dataset, file.TransferSyntax);

    /// <summary>Pixel data of a dataset encoded (when read) in the given transfer syntax.</summary>
    public static DicomPixelData Create(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        if (!dataset.Contains(DicomTags.PixelData)) throw new DicomFormatException("the dataset has no Pixel Data (7FE0,0010)", tag: DicomTags.PixelData);
        return new DicomPixelData(dataset, syntax);
    }

    public int Rows { get; }
    public int Columns { get; }
    public int BitsAllocated { get; }
    public int BitsStored { get; }
    public int SamplesPerPixel { get; }

    /// <summary>Pixel Representation (0028,0103) is 1: samples are two's complement.</summary>
    public bool IsSigned { get; }

    /// <summary>0: samples interleaved by pixel; 1: one plane per sample (PS3.3 C.7.6.3.1.3).</summary>
    public int PlanarConfiguration { get; }

    public int NumberOfFrames { get; }
    public string PhotometricInterpretation { get; }
    public double RescaleSlope { get; }
    public double RescaleIntercept { get; }

    /// <summary>MONOCHROME1: the minimum value is displayed white (PS3.3 C.7.6.3.1.2).</summary>
    public bool IsInverted => PhotometricInterpretation == "MONOCHROME1";

    private int SamplesPerFrame => Rows * Columns * SamplesPerPixel;

    /// <summary>
    /// Stored values of one frame, interleaved by pixel (R,G,B,R,G,B... for colour, whatever the planar
    /// configuration), masked to Bits Stored and sign-extended when signed (PS3.5 8.1.1).
    /// </summary>
    public long[] GetStoredValues(int frame)
    {
        if (frame < 0 || frame >= NumberOfFrames) throw new ArgumentOutOfRangeException(nameof(frame));
        var values = new long[SamplesPerFrame];
        if (BitsAllocated == 1)
        {
            var bits = NativeData();
            var firstBit = (long)frame * SamplesPerFrame;
            if ((firstBit + SamplesPerFrame + 7) / 8 > bits.Length) throw Short(frame);
            for (var i = 0; i < values.Length; i++)
            {
                var bit = firstBit + i;
                values[i] = (bits[(int)(bit >> 3)] >> (int)(bit & 7)) & 1;   // PS3.5 8.1.1: first pixel in the least significant bit
            }
            return values;
        }
        var bytes = FrameBytes(frame, out var planar);
        var size = BitsAllocated / 8;
        var mask = BitsStored == 64 ? -1L : (1L << BitsStored) - 1;
        var pixels = Rows * Columns;
        for (var i = 0; i < values.Length; i++)
        {
            var source = planar == 1 ? (i % SamplesPerPixel) * pixels + i / SamplesPerPixel : i;
            var span = bytes.AsSpan(source * size, size);
            long raw = size switch
            {
                1 => span[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(span),
                _ => BinaryPrimitives.ReadUInt32LittleEndian(span),
            };
            raw &= mask;
            if (IsSigned && (raw & (1L << (BitsStored - 1))) != 0) raw -= 1L << BitsStored;
            values[i] = raw;
        }
        return values;
    }

    /// <summary>Real-world values of one frame: stored value x Rescale Slope + Rescale Intercept (PS3.3 C.11.1.1.2).</summary>
    public double[] GetRealValues(int frame)
    {
        var stored = GetStoredValues(frame);
        var real = new double[stored.Length];
        for (var i = 0; i < real.Length; i++) real[i] = stored[i] * RescaleSlope + RescaleIntercept;
        return real;
    }

    /// <summary>
    /// Converts YBR_FULL samples (interleaved by pixel) to RGB with the equations of PS3.3 C.7.6.3.1.2, rounded and
    /// clamped to the sample range.
    /// </summary>
    public long[] YbrFullToRgb(long[] ybr)
    {
        var max = (1L << BitsStored) - 1;
        var half = 1L << (BitsStored - 1);
        var rgb = new long[ybr.Length];
        for (var i = 0; i + 2 < ybr.Length; i += 3)
        {
            double y = ybr[i], cb = ybr[i + 1] - half, cr = ybr[i + 2] - half;
            rgb[i] = Math.Clamp((long)Math.Round(y + 1.402 * cr), 0, max);
            rgb[i + 1] = Math.Clamp((long)Math.Round(y - 0.344136 * cb - 0.714136 * cr), 0, max);
            rgb[i + 2] = Math.Clamp((long)Math.Round(y + 1.772 * cb), 0, max);
        }
        return rgb;
    }

    /// <summary>Bytes of one frame as stored (native) or decoded (RLE); planar tells their layout.</summary>
    private byte[] FrameBytes(int frame, out int planar)
    {
        var frameBytes = SamplesPerFrame * (BitsAllocated / 8);
        if (_dataset.Get(DicomTags.PixelData) is DicomFragmentSequence fragments)
        {
            var decoder = FrameDecoders.For(_syntax)
                ?? throw new NotSupportedException($"decoding {_syntax.Name} pixel data is not supported; the fragments can be read and written as they are");
            planar = 0;
            var geometry = new FrameGeometry(Rows, Columns, SamplesPerPixel, BitsAllocated, BitsStored);
            var extended = _dataset.GetElement(DicomTags.ExtendedOffsetTable) is { } table ? table.Span : default;
            var (first, end) = FrameFragments.Locate(fragments, frame, NumberOfFrames, extended);
            var codestream = FrameFragments.Of(fragments, frame, NumberOfFrames, extended);
            byte[] decoded;
            try
            {
                decoded = decoder.Decode(codestream, geometry);
            }
            catch (DicomFormatException e)
            {
                // Where the damaged codestream is, so a user can look at its bytes (dataforge inspect FILE --frames).
                var offset = FrameFragments.FileOffset(fragments, first);
                var where = $"frame {frame + 1} of {NumberOfFrames} ({end - first} fragment(s), {codestream.Length} bytes{(offset is { } o ? $" at byte {o} of the file" : "")})";
                throw new DicomFormatException($"{where}: {e.Reason}", offset: offset ?? -1, tag: DicomTags.PixelData, inner: e);
            }
            if (decoded.Length != frameBytes) throw Short(frame);
            return decoded;
        }
        planar = PlanarConfiguration;
        var data = NativeData();
        if (PhotometricInterpretation == "YBR_FULL_422" && SamplesPerPixel == 3)
        {
            // PS3.3 C.7.6.3.1.2: two pixels are stored as Y1 Y2 Cb Cr; expand to Y1 Cb Cr Y2 Cb Cr.
            var stored = Rows * Columns * 2 * (BitsAllocated / 8);
            var first = (long)frame * stored;
            if (first + stored > data.Length) throw Short(frame);
            planar = 0;
            return Expand422(data.Slice((int)first, stored), BitsAllocated / 8);
        }
        var start = (long)frame * frameBytes;
        if (start + frameBytes > data.Length) throw Short(frame);
        var bytes = data.Slice((int)start, frameBytes).ToArray();
        if (_syntax.IsBigEndian && _dataset.Get(DicomTags.PixelData)!.VR == DicomVR.OW && BitsAllocated != 16)
        {
            // OW was brought to little endian as 16-bit words (PS3.5 A.3); 32-bit samples need their two words
            // exchanged and 8-bit samples their original order back.
            if (BitsAllocated == 32)
                for (var i = 0; i + 4 <= bytes.Length; i += 4) (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]) = (bytes[i + 2], bytes[i + 3], bytes[i], bytes[i + 1]);
            else IO.ByteSwap.SwapInPlace(bytes, 2);
        }
        return bytes;
    }

    private static byte[] Expand422(ReadOnlySpan<byte> data, int size)
    {
        var output = new byte[data.Length / 4 * 6];
        for (int i = 0, o = 0; i + 4 * size <= data.Length; i += 4 * size, o += 6 * size)
        {
            var y1 = data.Slice(i, size); var y2 = data.Slice(i + size, size);
            var cb = data.Slice(i + 2 * size, size); var cr = data.Slice(i + 3 * size, size);
            y1.CopyTo(output.AsSpan(o)); cb.CopyTo(output.AsSpan(o + size)); cr.CopyTo(output.AsSpan(o + 2 * size));
            y2.CopyTo(output.AsSpan(o + 3 * size)); cb.CopyTo(output.AsSpan(o + 4 * size)); cr.CopyTo(output.AsSpan(o + 5 * size));
        }
        return output;
    }

    private ReadOnlySpan<byte> NativeData() =>
        _dataset.GetElement(DicomTags.PixelData) is { } e ? e.Span
            : throw new DicomFormatException("Pixel Data (7FE0,0010) is not a native value", tag: DicomTags.PixelData);

    private int Required(DicomTag tag) =>
        (int)(_dataset.GetInteger(tag) ?? throw new DicomFormatException($"the Image Pixel module lacks {tag} (PS3.3 C.7.6.3)", tag: tag));

    private DicomFormatException Short(int frame) =>
        new($"Pixel Data is too short for frame {frame} of {NumberOfFrames} ({Rows}x{Columns}x{SamplesPerPixel}, {BitsAllocated} bits)", tag: DicomTags.PixelData);
}
