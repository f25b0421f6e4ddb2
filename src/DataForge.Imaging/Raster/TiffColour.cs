using BitMiracle.LibTiff.Classic;

namespace DataForge.Imaging.Raster;

/// <summary>
/// TIFF pages whose colour is not stored as RGB, made 8-bit RGB the way Pillow makes them, so an image reads the same
/// here as in the tools a user checks it with. YCbCr (TIFF 6.0 section 21: any subsampling, ReferenceBlackWhite and
/// YCbCrCoefficients; also JPEG-compressed, section 22) through libtiff's RGBA interface, which is what Pillow's libtiff
/// decoder calls (for JPEG: libjpeg's own YCbCr conversion, JPEGCOLORMODE RGB, as Pillow asks). CMYK (section 16, ink
/// set 1) by Pillow's formula (Convert.c <c>cmyk2rgb</c>): R = (255 − K) − round(C·(255 − K)/255), likewise G from M
/// and B from Y, a naive conversion without ink profiles, which is all the file says.
/// </summary>
internal static class TiffColour
{
    /// <summary>The current page of <paramref name="tif"/>, YCbCr, as RGB.</summary>
    public static RasterImage YCbCr(Tiff tif, int width, int height, int page, List<string> notes)
    {
        var rgba = new int[(long)width * height];
        if (!tif.ReadRGBAImageOriented(width, height, rgba, Orientation.TOPLEFT, true))
            throw new RasterFormatException(4, $"page {page}: the YCbCr samples cannot be decoded");
        var rgb = new byte[rgba.LongLength * 3];
        for (long p = 0; p < rgba.LongLength; p++)
        {
            rgb[3 * p] = (byte)Tiff.GetR(rgba[p]);
            rgb[3 * p + 1] = (byte)Tiff.GetG(rgba[p]);
            rgb[3 * p + 2] = (byte)Tiff.GetB(rgba[p]);
        }
        notes.Add("YCbCr converted to RGB");
        return Rgb(width, height, rgb, notes);
    }

    /// <summary>8-bit CMYK samples (<paramref name="spp"/> per pixel, C M Y K first) as RGB.</summary>
    public static RasterImage Cmyk(uint[] samples, int width, int height, int spp, List<string> notes)
    {
        var rgb = new byte[(long)width * height * 3];
        for (long p = 0; p < (long)width * height; p++)
        {
            var nk = 255 - (int)samples[p * spp + 3];
            for (var c = 0; c < 3; c++) rgb[3 * p + c] = (byte)Math.Clamp(nk - MulDiv255((int)samples[p * spp + c], nk), 0, 255);
        }
        notes.Add("CMYK converted to RGB");
        return Rgb(width, height, rgb, notes);
    }

    // a·b/255 rounded, as Pillow's MULDIV255 computes it.
    private static int MulDiv255(int a, int b)
    {
        var t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static RasterImage Rgb(int width, int height, byte[] rgb, List<string> notes) => new()
    {
        Format = "TIFF", Width = width, Height = height, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, Photometric = "RGB",
        Frames = [rgb], Notes = notes,
    };
}
