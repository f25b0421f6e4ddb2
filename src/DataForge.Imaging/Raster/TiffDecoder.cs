using BitMiracle.LibTiff.Classic;

namespace DataForge.Imaging.Raster;

/// <summary>
/// Reads a TIFF file (TIFF 6.0, classic and BigTIFF, either byte order) into a <see cref="RasterImage"/> with
/// BitMiracle.LibTiff.NET, a complete managed port of libtiff (every compression libtiff reads: LZW, Deflate,
/// PackBits, none, ...; strips and tiles): greyscale (WhiteIsZero as MONOCHROME1, BlackIsZero), RGB (extra samples
/// such as alpha dropped) and palette (expanded to RGB); 1 to 32-bit unsigned or signed integer samples; every page a
/// frame (pages must agree in size and layout). Before any pixel is read, every strip or tile must lie inside the file:
/// one that points outside is refused with the offset of its entry, never read. Samples stored chunky or in separate
/// planes (PlanarConfiguration 1 or 2). YCbCr (JPEG-compressed or not, any subsampling) and 8-bit CMYK become RGB as
/// Pillow makes them (<see cref="TiffColour"/>; uncompressed vertically subsampled YCbCr by <see cref="TiffYCbCr"/>). Floating-point grey samples (32 or 64 bits) are kept bit for bit
/// (<see cref="RasterImage.Float"/>).
/// </summary>
public static class TiffDecoder
{
    /// <summary>True when the bytes start with a TIFF header (II or MM, then 42 or BigTIFF's 43).</summary>
    public static bool IsTiff(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] is 42 or 43 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] is 42 or 43));

    /// <summary>Decodes every page of a whole TIFF file.</summary>
    /// <exception cref="RasterFormatException">The file is not a TIFF this reader takes.</exception>
    public static RasterImage Decode(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!IsTiff(file)) throw new RasterFormatException(0, "not a TIFF file (no II*/MM* header)");
        // libtiff reports problems through a handler; this one turns them into exceptions instead of console text.
        Tiff.SetErrorHandler(Handler.Instance);
        try
        {
            using var tif = Tiff.ClientOpen("tiff", "r", new MemoryStream(file, writable: false), new TiffStream())
                ?? throw new RasterFormatException(0, "the TIFF header or first directory cannot be read");
            var pages = tif.NumberOfDirectories();
            if (pages < 1) throw new RasterFormatException(4, "the TIFF has no image directory");
            RasterImage? first = null;
            var frames = new List<byte[]>();
            for (short page = 0; page < pages; page++)
            {
                if (!tif.SetDirectory(page)) throw new RasterFormatException(4, $"page {page + 1} cannot be read");
                var image = Page(tif, file, page + 1);
                if (first is not null && (image.Width != first.Width || image.Height != first.Height || image.SamplesPerPixel != first.SamplesPerPixel
                        || image.BitsAllocated != first.BitsAllocated || image.Float != first.Float || image.Signed != first.Signed || image.Photometric != first.Photometric))
                    throw new RasterFormatException(4, $"page {page + 1} differs from page 1 in size or sample layout; pages become frames of one image and must agree");
                first ??= image;
                frames.Add(image.Frames[0]);
            }
            var notes = first!.Notes.ToList();
            if (pages > 1) notes.Add($"{pages} pages");
            return first with { Frames = frames, Notes = notes };
        }
        catch (TiffProblem e)
        {
            throw new RasterFormatException(0, "libtiff: " + e.Message);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException
            or NullReferenceException or EndOfStreamException or IOException or InvalidDataException or InvalidCastException or FormatException or DivideByZeroException)
        {
            // A damaged file can throw from inside libtiff's decoders before its handler is called: still one item's failure.
            throw new RasterFormatException(0, $"libtiff cannot read the file ({e.GetType().Name})");
        }
    }

    private static RasterImage Page(Tiff tif, byte[] file, int page)
    {
        var fileLength = file.LongLength;
        var width = Int(tif, TiffTag.IMAGEWIDTH) ?? throw new RasterFormatException(4, $"page {page} has no ImageWidth");
        var height = Int(tif, TiffTag.IMAGELENGTH) ?? throw new RasterFormatException(4, $"page {page} has no ImageLength");
        if (width <= 0 || height <= 0 || (long)width * height > 1L << 28) throw new RasterFormatException(4, $"page {page}: {width}x{height} pixels is not an image this reader takes");
        var spp = Defaulted(tif, TiffTag.SAMPLESPERPIXEL, 1);
        var bps = Defaulted(tif, TiffTag.BITSPERSAMPLE, 1);
        var format = Defaulted(tif, TiffTag.SAMPLEFORMAT, 1);
        var photometric = Int(tif, TiffTag.PHOTOMETRIC) ?? (spp >= 3 ? 2 : 1);
        var planar = Defaulted(tif, TiffTag.PLANARCONFIG, 1);
        var compression = Defaulted(tif, TiffTag.COMPRESSION, 1);
        if (format == 3) return FloatPage(tif, fileLength, page, width, height, spp, bps, photometric, compression, planar);
        if (format is not (1 or 2)) throw new RasterFormatException(4, $"page {page}: sample format {format} is not supported");
        if (bps is not (1 or 2 or 4 or 8 or 16 or 32)) throw new RasterFormatException(4, $"page {page}: {bps} bits per sample is not supported (1, 2, 4, 8, 16, 32)");
        if (planar is not (1 or 2)) throw new RasterFormatException(4, $"page {page}: PlanarConfiguration {planar} is not 1 (chunky) or 2 (separate planes)");
        var colours = photometric switch
        {
            0 or 1 => 1,
            2 or 6 => 3,
            3 => 1,
            5 => 4,
            _ => throw new RasterFormatException(4, $"page {page}: photometric interpretation {photometric} is not supported (WhiteIsZero, BlackIsZero, RGB, palette, CMYK, YCbCr)"),
        };
        if (spp < colours) throw new RasterFormatException(4, $"page {page}: {spp} samples per pixel is too few for its photometric interpretation");
        if (photometric is 5 or 6 && (bps != 8 || format != 1))
            throw new RasterFormatException(4, $"page {page}: {(photometric == 5 ? "CMYK" : "YCbCr")} is read with 8-bit unsigned samples, not {bps}-bit");
        if (photometric == 5 && Defaulted(tif, TiffTag.INKSET, 1) != 1)
            throw new RasterFormatException(4, $"page {page}: separated samples of an ink set other than CMYK (InkSet 2) are not supported");
        // LibTiff.NET sizes the strips of vertically subsampled YCbCr as if they were not (libtiff 4 does not), so it
        // reads past them: such pages are read here when uncompressed (TiffYCbCr); under JPEG compression the JPEG codec
        // upsamples and the sizes are right.
        if (photometric == 6 && compression != 7 && tif.GetFieldDefaulted(TiffTag.YCBCRSUBSAMPLING) is { Length: > 1 } sub && sub[1].ToInt() > 1)
        {
            if (compression != 1 || tif.IsTiled() || planar != 1)
                throw new RasterFormatException(4, $"page {page}: YCbCr subsampled vertically ({sub[0].ToInt()}x{sub[1].ToInt()}) is read only uncompressed in strips, or JPEG-compressed; convert the file to RGB (tiffcp, or any viewer)");
            return TiffYCbCr.Subsampled(tif, file, width, height, page, sub[0].ToInt(), sub[1].ToInt(), Notes(tif, bps, format, compression, planar, spp, 3));
        }
        CheckBounds(tif, fileLength, page);
        if (photometric == 6 && compression == 7)
        {
            // As Pillow reads JPEG-in-TIFF: the JPEG codec converts YCbCr to RGB (and upsamples) itself.
            tif.SetField(TiffTag.JPEGCOLORMODE, JpegColorMode.RGB);
            photometric = 2;
        }
        if (photometric == 6) return TiffColour.YCbCr(tif, width, height, page, Notes(tif, bps, format, compression, planar, spp, 3));
        var raw = planar == 2 && spp > 1 ? ReadPlanes(tif, width, height, spp, bps) : ReadSamples(tif, width, height, spp, bps);
        var notes = Notes(tif, bps, format, compression, planar, spp, colours);
        if (photometric == 5) return TiffColour.Cmyk(raw, width, height, spp, notes);
        var allocated = bps <= 8 ? 8 : bps;
        var sampleBytes = allocated / 8;
        if (photometric == 3)
        {
            var map = tif.GetField(TiffTag.COLORMAP) ?? throw new RasterFormatException(4, $"page {page}: a palette image has no ColorMap");
            short[] r = map[0].ToShortArray(), g = map[1].ToShortArray(), b = map[2].ToShortArray();
            var rgb = new byte[width * height * 3];
            for (var p = 0; p < width * height; p++)
            {
                var index = raw[p * spp];
                if (index >= r.Length) throw new RasterFormatException(4, $"page {page}: a pixel names colour {index}, past the {r.Length} entries of its ColorMap");
                rgb[3 * p] = (byte)((ushort)r[index] >> 8);
                rgb[3 * p + 1] = (byte)((ushort)g[index] >> 8);
                rgb[3 * p + 2] = (byte)((ushort)b[index] >> 8);
            }
            notes.Add("palette expanded to RGB");
            return new RasterImage { Format = "TIFF", Width = width, Height = height, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, Photometric = "RGB", Frames = [rgb], Notes = notes };
        }
        var frame = new byte[width * height * colours * sampleBytes];
        for (var p = 0; p < width * height; p++)
            for (var c = 0; c < colours; c++)
            {
                var v = raw[p * spp + c];
                var at = (p * colours + c) * sampleBytes;
                for (var k = 0; k < sampleBytes; k++) frame[at + k] = (byte)(v >> (8 * k));
            }
        return new RasterImage
        {
            Format = "TIFF", Width = width, Height = height, SamplesPerPixel = colours, BitsAllocated = allocated, BitsStored = bps, Signed = format == 2,
            Photometric = photometric == 0 ? "MONOCHROME1" : colours == 3 ? "RGB" : "MONOCHROME2", Frames = [frame], Notes = notes,
        };
    }

    // IEEE floating-point samples (SampleFormat 3): greyscale, 32 or 64 bits, every bit as stored (libtiff has brought
    // them to the machine's byte order and undone the floating-point predictor).
    private static RasterImage FloatPage(Tiff tif, long fileLength, int page, int width, int height, int spp, int bps, int photometric, int compression, int planar)
    {
        if (bps is not (32 or 64)) throw new RasterFormatException(4, $"page {page}: floating-point samples of {bps} bits are not supported (32 or 64)");
        if (photometric != 1 || spp != 1)
            throw new RasterFormatException(4, $"page {page}: floating-point samples are read as one grey (BlackIsZero) sample per pixel, not photometric {photometric} with {spp} samples");
        if (!BitConverter.IsLittleEndian) throw new RasterFormatException(4, "floating-point TIFF is read on little-endian machines only");
        CheckBounds(tif, fileLength, page);
        var bytes = bps / 8;
        var rowBytes = width * bytes;
        var frame = new byte[(long)rowBytes * height];
        if (tif.IsTiled())
        {
            var tw = Defaulted(tif, TiffTag.TILEWIDTH, 0);
            var th = Defaulted(tif, TiffTag.TILELENGTH, 0);
            if (tw <= 0 || th <= 0) throw new RasterFormatException(4, "a tiled page has no tile size");
            var buffer = new byte[tif.TileSize()];
            for (var ty = 0; ty < height; ty += th)
                for (var tx = 0; tx < width; tx += tw)
                {
                    var tile = tif.ComputeTile(tx, ty, 0, 0);
                    if (tif.ReadEncodedTile(tile, buffer, 0, buffer.Length) < 0) throw new RasterFormatException(4, $"tile {tile} cannot be decoded");
                    for (var y = 0; y < th && ty + y < height; y++)
                        Buffer.BlockCopy(buffer, y * tw * bytes, frame, (ty + y) * rowBytes + tx * bytes, Math.Min(tw, width - tx) * bytes);
                }
        }
        else
        {
            var rowsPerStrip = Math.Min(Defaulted(tif, TiffTag.ROWSPERSTRIP, height), height);
            var strip = new byte[tif.StripSize()];
            for (int s = 0, y0 = 0; y0 < height; s++, y0 += rowsPerStrip)
            {
                if (tif.ReadEncodedStrip(s, strip, 0, strip.Length) < 0) throw new RasterFormatException(4, $"strip {s} cannot be decoded");
                var rows = Math.Min(rowsPerStrip, height - y0);
                Buffer.BlockCopy(strip, 0, frame, y0 * rowBytes, rows * rowBytes);
            }
        }
        // The floating-point predictor already yields samples in the machine's order; LibTiff.NET still swaps those of a
        // big-endian file afterwards (libtiff 4 does not), so they are swapped back.
        if (tif.IsBigEndian() && Defaulted(tif, TiffTag.PREDICTOR, 1) == 3)
            for (var at = 0; at < frame.Length; at += bytes) Array.Reverse(frame, at, bytes);
        return new RasterImage
        {
            Format = "TIFF", Width = width, Height = height, SamplesPerPixel = 1, BitsAllocated = bps, BitsStored = bps, Float = true,
            Photometric = "MONOCHROME2", Frames = [frame], Notes = Notes(tif, bps, 3, compression, planar, spp, 1),
        };
    }

    private static List<string> Notes(Tiff tif, int bps, int format, int compression, int planar, int spp, int colours)
    {
        var notes = new List<string> { $"{bps} bits per sample", format == 2 ? "signed" : format == 3 ? "floating point" : "unsigned",
            tif.IsBigEndian() ? "big-endian" : "little-endian", tif.IsTiled() ? "tiles" : "strips", $"compression {compression}" };
        if (planar == 2 && spp > 1) notes.Add("separate planes");
        if (spp > colours) notes.Add("extra samples dropped");
        return notes;
    }

    // TIFF 6.0 p.39: StripOffsets/StripByteCounts (TileOffsets/TileByteCounts): every chunk must lie inside the file.
    private static void CheckBounds(Tiff tif, long fileLength, int page)
    {
        var tiled = tif.IsTiled();
        var offsets = tif.GetField(tiled ? TiffTag.TILEOFFSETS : TiffTag.STRIPOFFSETS)?[0].TolongArray();
        var counts = tif.GetField(tiled ? TiffTag.TILEBYTECOUNTS : TiffTag.STRIPBYTECOUNTS)?[0].TolongArray();
        var what = tiled ? "tile" : "strip";
        if (offsets is null || counts is null || offsets.Length == 0) throw new RasterFormatException(4, $"page {page} has no {what} offsets or byte counts");
        for (var i = 0; i < offsets.Length && i < counts.Length; i++)
            if (offsets[i] < 0 || counts[i] < 0 || offsets[i] + counts[i] > fileLength)
                throw new RasterFormatException(offsets[i], $"page {page}: {what} {i} ({counts[i]} bytes at byte {offsets[i]}) lies outside the file of {fileLength} bytes; refused");
    }

    // The page's samples as integers (sample by sample, pixels interleaved), from strips or tiles.
    private static uint[] ReadSamples(Tiff tif, int width, int height, int spp, int bps)
    {
        var samples = new uint[(long)width * height * spp];
        if (tif.IsTiled())
        {
            var tw = Defaulted(tif, TiffTag.TILEWIDTH, 0);
            var th = Defaulted(tif, TiffTag.TILELENGTH, 0);
            if (tw <= 0 || th <= 0) throw new RasterFormatException(4, "a tiled page has no tile size");
            var buffer = new byte[tif.TileSize()];
            var tileRow = (int)(((long)tw * spp * bps + 7) / 8);
            for (var ty = 0; ty < height; ty += th)
                for (var tx = 0; tx < width; tx += tw)
                {
                    var tile = tif.ComputeTile(tx, ty, 0, 0);
                    if (tif.ReadEncodedTile(tile, buffer, 0, buffer.Length) < 0) throw new RasterFormatException(4, $"tile {tile} cannot be decoded");
                    for (var y = 0; y < th && ty + y < height; y++)
                        Unpack(buffer, y * tileRow, Math.Min(tw, width - tx), spp, bps, samples, ((long)(ty + y) * width + tx) * spp);
                }
            return samples;
        }
        var rowsPerStrip = Math.Min(Defaulted(tif, TiffTag.ROWSPERSTRIP, height), height);
        var rowBytes = (int)(((long)width * spp * bps + 7) / 8);
        var strip = new byte[tif.StripSize()];
        for (int s = 0, y0 = 0; y0 < height; s++, y0 += rowsPerStrip)
        {
            if (tif.ReadEncodedStrip(s, strip, 0, strip.Length) < 0) throw new RasterFormatException(4, $"strip {s} cannot be decoded");
            for (var y = 0; y < rowsPerStrip && y0 + y < height; y++)
                Unpack(strip, y * rowBytes, width, spp, bps, samples, (long)(y0 + y) * width * spp);
        }
        return samples;
    }

    // A page stored in separate planes (TIFF 6.0 p.38, PlanarConfiguration 2): each plane's strips or tiles hold one
    // sample of every pixel; the samples are interleaved by pixel as chunky pages are.
    private static uint[] ReadPlanes(Tiff tif, int width, int height, int spp, int bps)
    {
        var samples = new uint[(long)width * height * spp];
        var row = new uint[width];
        void Scatter(byte[] from, int at, int x0, int count, int y, int plane)
        {
            Unpack(from, at, count, 1, bps, row, 0);
            for (var x = 0; x < count; x++) samples[((long)y * width + x0 + x) * spp + plane] = row[x];
        }
        if (tif.IsTiled())
        {
            var tw = Defaulted(tif, TiffTag.TILEWIDTH, 0);
            var th = Defaulted(tif, TiffTag.TILELENGTH, 0);
            if (tw <= 0 || th <= 0) throw new RasterFormatException(4, "a tiled page has no tile size");
            if (tw > width) row = new uint[tw];
            var buffer = new byte[tif.TileSize()];
            var tileRow = (int)(((long)tw * bps + 7) / 8);
            for (short plane = 0; plane < spp; plane++)
                for (var ty = 0; ty < height; ty += th)
                    for (var tx = 0; tx < width; tx += tw)
                    {
                        var tile = tif.ComputeTile(tx, ty, 0, plane);
                        if (tif.ReadEncodedTile(tile, buffer, 0, buffer.Length) < 0) throw new RasterFormatException(4, $"tile {tile} cannot be decoded");
                        for (var y = 0; y < th && ty + y < height; y++) Scatter(buffer, y * tileRow, tx, Math.Min(tw, width - tx), ty + y, plane);
                    }
            return samples;
        }
        var rowsPerStrip = Math.Min(Defaulted(tif, TiffTag.ROWSPERSTRIP, height), height);
        var rowBytes = (int)(((long)width * bps + 7) / 8);
        var strip = new byte[tif.StripSize()];
        for (short plane = 0; plane < spp; plane++)
            for (var y0 = 0; y0 < height; y0 += rowsPerStrip)
            {
                var s = tif.ComputeStrip(y0, plane);
                if (tif.ReadEncodedStrip(s, strip, 0, strip.Length) < 0) throw new RasterFormatException(4, $"strip {s} cannot be decoded");
                for (var y = 0; y < rowsPerStrip && y0 + y < height; y++) Scatter(strip, y * rowBytes, 0, width, y0 + y, plane);
            }
        return samples;
    }

    // libtiff has already brought 16 and 32-bit samples to the machine's (little-endian) order; sub-byte samples are packed from the high bit.
    private static void Unpack(byte[] from, int at, int pixels, int spp, int bps, uint[] into, long to)
    {
        var n = pixels * spp;
        for (var i = 0; i < n; i++)
            into[to + i] = bps switch
            {
                8 => from[at + i],
                16 => BitConverter.ToUInt16(from, at + 2 * i),
                32 => BitConverter.ToUInt32(from, at + 4 * i),
                _ => (uint)((from[at + i * bps / 8] >> (8 - bps - i * bps % 8)) & ((1 << bps) - 1)),
            };
    }

    private static int? Int(Tiff tif, TiffTag tag) => tif.GetField(tag) is { Length: > 0 } v ? v[0].ToInt() : null;

    private static int Defaulted(Tiff tif, TiffTag tag, int fallback) => tif.GetFieldDefaulted(tag) is { Length: > 0 } v ? v[0].ToInt() : fallback;

    private sealed class TiffProblem(string message) : Exception(message);

    private sealed class Handler : TiffErrorHandler
    {
        public static Handler Instance { get; } = new();

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            throw new TiffProblem(args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
            // Warnings (unknown private tags and the like) are not failures; they are not printed either.
        }
    }
}
