using BitMiracle.LibTiff.Classic;

namespace DataForge.Imaging.Raster;

/// <summary>
/// Uncompressed YCbCr strips subsampled vertically (TIFF 6.0 section 21, e.g. 4:2:0), which LibTiff.NET mis-sizes, read
/// here: each data unit holds the luma samples of a block of <c>h</c> x <c>v</c> pixels (row by row) then one Cb and one
/// Cr for the whole block; every pixel of the block takes the block's chroma (no interpolation), and the conversion is
/// libtiff's (tif_color.c, the one Pillow's decoder calls through TIFFRGBAImage): ReferenceBlackWhite and
/// YCbCrCoefficients in single precision, then 16-bit fixed-point tables, so the RGB equals Pillow's sample for sample.
/// Strips are read from the file after their extent is checked: the size the strip must have, not LibTiff.NET's estimate.
/// </summary>
internal static class TiffYCbCr
{
    private const int Shift = 16;
    private const int OneHalf = 1 << (Shift - 1);

    /// <summary>The current page as RGB.</summary>
    public static RasterImage Subsampled(Tiff tif, byte[] file, int width, int height, int page, int h, int v, List<string> notes)
    {
        if (h is not (1 or 2 or 4) || v is not (1 or 2 or 4) || v > h)
            throw new RasterFormatException(4, $"page {page}: YCbCr subsampling {h}x{v} is not one TIFF 6.0 allows (1, 2 or 4; vertical at most horizontal)");
        var rowsPerStrip = Math.Min(tif.GetFieldDefaulted(TiffTag.ROWSPERSTRIP) is { Length: > 0 } r ? r[0].ToInt() : height, height);
        if (rowsPerStrip < 1 || (rowsPerStrip < height && rowsPerStrip % v != 0))
            throw new RasterFormatException(4, $"page {page}: {rowsPerStrip} rows per strip is not a multiple of the vertical subsampling {v}");
        var offsets = tif.GetField(TiffTag.STRIPOFFSETS)?[0].TolongArray() ?? throw new RasterFormatException(4, $"page {page} has no strip offsets");
        var across = (width + h - 1) / h;
        var unit = h * v + 2;
        var tables = new Tables(tif);
        var rgb = new byte[(long)width * height * 3];
        for (int s = 0, y0 = 0; y0 < height; s++, y0 += rowsPerStrip)
        {
            var rows = Math.Min(rowsPerStrip, height - y0);
            var size = (long)((rows + v - 1) / v) * across * unit;
            if (s >= offsets.Length || offsets[s] < 0 || offsets[s] + size > file.LongLength)
                throw new RasterFormatException(s < offsets.Length ? offsets[s] : 4, $"page {page}: strip {s} ({size} bytes) lies outside the file of {file.LongLength} bytes; refused");
            var at = offsets[s];
            for (var by = 0; by < (rows + v - 1) / v; by++)
                for (var bx = 0; bx < across; bx++, at += unit)
                {
                    int cb = file[at + h * v], cr = file[at + h * v + 1];
                    for (var j = 0; j < v; j++)
                        for (var i = 0; i < h; i++)
                        {
                            int x = bx * h + i, y = y0 + by * v + j;
                            if (x >= width || y >= y0 + rows) continue;
                            var o = ((long)y * width + x) * 3;
                            tables.ToRgb(file[at + j * h + i], cb, cr, rgb.AsSpan((int)o, 3));
                        }
                }
        }
        notes.Add($"YCbCr {h}x{v} converted to RGB");
        return new RasterImage
        {
            Format = "TIFF", Width = width, Height = height, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, Photometric = "RGB",
            Frames = [rgb], Notes = notes,
        };
    }

    // TIFF 6.0 section 21 with libtiff's arithmetic (TIFFYCbCrToRGBInit, TIFFYCbCrtoRGB).
    private sealed class Tables
    {
        private readonly int[] _y = new int[256], _crR = new int[256], _cbB = new int[256], _crG = new int[256], _cbG = new int[256];

        public Tables(Tiff tif)
        {
            var luma = tif.GetFieldDefaulted(TiffTag.YCBCRCOEFFICIENTS) is { Length: > 0 } l ? l[0].ToFloatArray() : null;
            luma = luma is { Length: 3 } ? luma : [0.299f, 0.587f, 0.114f];
            var reference = tif.GetFieldDefaulted(TiffTag.REFERENCEBLACKWHITE) is { Length: > 0 } rb ? rb[0].ToFloatArray() : null;
            reference = reference is { Length: 6 } ? reference : [0f, 255f, 128f, 255f, 128f, 255f];
            float f1 = 2 - 2 * luma[0], f2 = luma[0] * f1 / luma[1], f3 = 2 - 2 * luma[2], f4 = luma[2] * f3 / luma[1];
            int d1 = Fix(Clamp(f1, 0, 2)), d2 = -Fix(Clamp(f2, 0, 2)), d3 = Fix(Clamp(f3, 0, 2)), d4 = -Fix(Clamp(f4, 0, 2));
            for (int i = 0, x = -128; i < 256; i++, x++)
            {
                var cr = (int)Clamp(Code2V(x, reference[4] - 128f, reference[5] - 128f, 127), -128f * 32, 128f * 32);
                var cb = (int)Clamp(Code2V(x, reference[2] - 128f, reference[3] - 128f, 127), -128f * 32, 128f * 32);
                _crR[i] = (d1 * cr + OneHalf) >> Shift;
                _cbB[i] = (d3 * cb + OneHalf) >> Shift;
                _crG[i] = d2 * cr;
                _cbG[i] = d4 * cb + OneHalf;
                _y[i] = (int)Clamp(Code2V(x + 128, reference[0], reference[1], 255), -128f * 32, 128f * 32);
            }
        }

        public void ToRgb(int y, int cb, int cr, Span<byte> into)
        {
            into[0] = (byte)Math.Clamp(_y[y] + _crR[cr], 0, 255);
            into[1] = (byte)Math.Clamp(_y[y] + ((_cbG[cb] + _crG[cr]) >> Shift), 0, 255);
            into[2] = (byte)Math.Clamp(_y[y] + _cbB[cb], 0, 255);
        }

        private static int Fix(float x) => (int)(x * (1L << Shift) + 0.5);

        // (c - RB) * CR / (RW - RB), in single precision as libtiff computes it.
        private static float Code2V(int c, float rb, float rw, float cr) => (c - (int)rb) * cr / (rw - rb != 0 ? rw - rb : 1);

        private static float Clamp(float f, float min, float max) => !(f >= min) ? min : f > max ? max : f;
    }
}
