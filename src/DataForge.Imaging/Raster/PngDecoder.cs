using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace DataForge.Imaging.Raster;

/// <summary>
/// Reads a PNG file (ISO/IEC 15948) into a <see cref="RasterImage"/>: every colour type and bit depth the
/// standard allows (greyscale 1-16 bits, RGB 8/16, palette 1-8, grey+alpha and RGBA 8/16, the alpha dropped),
/// Adam7 interlacing, every filter type. Every chunk's CRC is checked; a damaged or truncated file fails with
/// the byte offset of the chunk or the point where the data ends. Ancillary chunks (text, EXIF, time, ICC)
/// are skipped here: <see cref="ImageMetadataBlocks"/> lists them, and nothing of them reaches the image.
/// Written on System.IO.Compression rather than a library: it keeps 16-bit samples exact and gives the offsets.
/// </summary>
public static class PngDecoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // PNG 8.2: Adam7 passes as (x start, y start, x step, y step).
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Signature);

    /// <summary>Decodes a whole PNG file.</summary>
    /// <exception cref="RasterFormatException">The file is not a readable PNG.</exception>
    public static RasterImage Decode(ReadOnlySpan<byte> file)
    {
        if (!IsPng(file)) throw new RasterFormatException(0, "not a PNG file (no PNG signature)");
        var pos = Signature.Length;
        int width = 0, height = 0, depth = 0, colour = -1, interlace = 0;
        byte[]? palette = null;
        long firstData = -1;
        using var data = new MemoryStream();
        var ended = false;
        while (!ended)
        {
            if (pos + 8 > file.Length) throw new RasterFormatException(file.Length, $"the file ends inside a chunk header at byte {pos} (truncated)");
            var length = BinaryPrimitives.ReadUInt32BigEndian(file[pos..]);
            var type = System.Text.Encoding.ASCII.GetString(file.Slice(pos + 4, 4));
            if (length > int.MaxValue) throw new RasterFormatException(pos, "chunk length exceeds 2^31-1");
            if (pos + 12L + length > file.Length) throw new RasterFormatException(file.Length, $"the file ends inside chunk {Safe(type)} that starts at byte {pos} (truncated)");
            var body = file.Slice(pos + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(file[(pos + 8 + (int)length)..]);
            if (Crc32.HashToUInt32(file.Slice(pos + 4, 4 + (int)length)) != crc)
                throw new RasterFormatException(pos, $"chunk {Safe(type)} fails its CRC check (damaged)");
            if (width == 0 && type != "IHDR") throw new RasterFormatException(pos, "the first chunk is not IHDR");
            switch (type)
            {
                case "IHDR":
                    if (length != 13) throw new RasterFormatException(pos, "IHDR is not 13 bytes");
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    depth = body[8];
                    colour = body[9];
                    interlace = body[12];
                    if (width <= 0 || height <= 0) throw new RasterFormatException(pos + 8, "width and height must be 1 to 2^31-1");
                    if ((long)width * height > 1L << 28) throw new RasterFormatException(pos + 8, $"{width}x{height} pixels is more than this reader takes (2^28)");
                    if (!Allowed(colour, depth)) throw new RasterFormatException(pos + 16, $"colour type {colour} with bit depth {depth} is not allowed by PNG 11.2.2");
                    if (body[10] != 0 || body[11] != 0) throw new RasterFormatException(pos + 18, "unknown compression or filter method");
                    if (interlace > 1) throw new RasterFormatException(pos + 20, $"unknown interlace method {interlace}");
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768) throw new RasterFormatException(pos, "PLTE is not 1 to 256 RGB entries");
                    palette = body.ToArray();
                    break;
                case "IDAT":
                    if (firstData < 0) firstData = pos;
                    data.Write(body);
                    break;
                case "IEND":
                    ended = true;
                    break;
                default:
                    // PNG 5.4: an unknown critical chunk (upper-case first letter) means the image cannot be shown right.
                    if (char.IsAsciiLetterUpper(type[0])) throw new RasterFormatException(pos, $"unknown critical chunk {Safe(type)}");
                    break;
            }
            pos += 12 + (int)length;
        }
        if (firstData < 0) throw new RasterFormatException(pos, "no IDAT chunk (no image data)");
        if (colour == 3 && palette is null) throw new RasterFormatException(firstData, "a palette image has no PLTE chunk");
        var channels = colour switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        var samples = Inflate(data.ToArray(), firstData, width, height, depth, channels, interlace == 1);
        return Build(samples, width, height, depth, colour, palette, firstData, interlace == 1);
    }

    private static bool Allowed(int colour, int depth) => colour switch
    {
        0 => depth is 1 or 2 or 4 or 8 or 16,
        3 => depth is 1 or 2 or 4 or 8,
        2 or 4 or 6 => depth is 8 or 16,
        _ => false,
    };

    private static string Safe(string type) => type.All(char.IsAsciiLetter) ? type : "(not a chunk name)";

    /// <summary>The samples of every pixel (channels interleaved, rows from the top), from the zlib stream of the IDAT chunks.</summary>
    private static ushort[] Inflate(byte[] compressed, long at, int width, int height, int depth, int channels, bool interlaced)
    {
        var bitsPerPixel = depth * channels;
        var passes = interlaced ? Adam7 : [(0, 0, 1, 1)];
        long expected = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            long w = (width - x0 + dx - 1) / dx, h = (height - y0 + dy - 1) / dy;
            if (w > 0 && h > 0) expected += h * (1 + (w * bitsPerPixel + 7) / 8);
        }
        if (expected > int.MaxValue) throw new RasterFormatException(at, "the image is too large to decode");
        var raw = new byte[expected];
        try
        {
            using var z = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var done = 0;
            while (done < raw.Length)
            {
                var n = z.Read(raw, done, raw.Length - done);
                if (n == 0) throw new RasterFormatException(at, $"the image data ends after {done} of {expected} bytes (truncated or damaged IDAT)");
                done += n;
            }
        }
        catch (InvalidDataException)
        {
            throw new RasterFormatException(at, "the image data is not a valid zlib stream (damaged IDAT)");
        }
        var samples = new ushort[(long)width * height * channels];
        var bpp = Math.Max(1, bitsPerPixel / 8);
        var offset = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int w = (width - x0 + dx - 1) / dx, h = (height - y0 + dy - 1) / dy;
            if (w <= 0 || h <= 0) continue;
            var rowBytes = (int)(((long)w * bitsPerPixel + 7) / 8);
            var previous = new byte[rowBytes];
            var row = new byte[rowBytes];
            for (var y = 0; y < h; y++)
            {
                var filter = raw[offset];
                raw.AsSpan(offset + 1, rowBytes).CopyTo(row);
                Unfilter(filter, row, previous, bpp, at);
                var rowStart = (long)(y0 + y * dy) * width * channels;
                if (dx == 1 && depth == 8)
                    for (var i = 0; i < w * channels; i++) samples[rowStart + i] = row[i];
                else if (dx == 1 && depth == 16)
                    for (var i = 0; i < w * channels; i++) samples[rowStart + i] = (ushort)(row[2 * i] << 8 | row[2 * i + 1]);
                else
                    for (var x = 0; x < w; x++)
                        for (var c = 0; c < channels; c++)
                            samples[rowStart + (long)(x0 + x * dx) * channels + c] = Sample(row, x * channels + c, depth);
                (previous, row) = (row, previous);
                offset += rowBytes + 1;
            }
        }
        return samples;
    }

    // PNG 9.2: filter types 0-4, bytes before the row's start count as zero.
    private static void Unfilter(byte filter, byte[] row, byte[] up, int bpp, long at)
    {
        switch (filter)
        {
            case 0: break;
            case 1: for (var i = bpp; i < row.Length; i++) row[i] += row[i - bpp]; break;
            case 2: for (var i = 0; i < row.Length; i++) row[i] += up[i]; break;
            case 3:
                for (var i = 0; i < row.Length; i++) row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + up[i]) >> 1);
                break;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                break;
            default: throw new RasterFormatException(at, $"unknown row filter type {filter} in the image data");
        }
    }

    private static ushort Sample(byte[] row, int index, int depth) => depth switch
    {
        16 => BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(2 * index)),
        8 => row[index],
        // Sub-byte samples are packed from the most significant bit (PNG 7.2).
        _ => (ushort)((row[index * depth / 8] >> (8 - depth - index * depth % 8)) & ((1 << depth) - 1)),
    };

    private static RasterImage Build(ushort[] samples, int width, int height, int depth, int colour, byte[]? palette, long at, bool interlaced)
    {
        var notes = new List<string> { $"colour type {colour}", $"bit depth {depth}" };
        if (interlaced) notes.Add("Adam7 interlaced");
        var pixels = width * height;
        int spp = colour is 2 or 3 or 6 ? 3 : 1;
        var bits = colour == 3 ? 8 : depth;
        var allocated = bits > 8 ? 16 : 8;
        var frame = new byte[pixels * spp * (allocated / 8)];
        var channels = colour switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        if (colour is 4 or 6) notes.Add("alpha channel dropped");
        if (colour == 3) notes.Add("palette expanded to RGB");
        // The common cases without alpha or palette: samples copied as they are.
        if (colour is 0 or 2 && allocated == 8)
            for (var i = 0; i < frame.Length; i++) frame[i] = (byte)samples[i];
        else if (colour is 0 or 2)
            for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(2 * i), samples[i]);
        else
        {
            for (var p = 0; p < pixels; p++)
            {
                for (var c = 0; c < spp; c++)
                {
                    int value;
                    if (colour == 3)
                    {
                        var index = samples[p];
                        if (3 * index + 2 >= palette!.Length) throw new RasterFormatException(at, $"a pixel names palette entry {index}, past the {palette.Length / 3} entries of PLTE");
                        value = palette[3 * index + c];
                    }
                    else value = samples[p * channels + c];
                    if (allocated == 16) BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(2 * (p * spp + c)), (ushort)value);
                    else frame[p * spp + c] = (byte)value;
                }
            }
        }
        return new RasterImage
        {
            Format = "PNG", Width = width, Height = height, SamplesPerPixel = spp, BitsAllocated = allocated, BitsStored = bits,
            Photometric = spp == 3 ? "RGB" : "MONOCHROME2", Frames = [frame], Notes = notes,
        };
    }
}
