using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;
using DataForge.Imaging.Png;

namespace DataForge.Release.Card;

/// <summary>
/// Thumbnails for the card (<c>release.card.thumbnails: N</c>): per modality, the first N series (by de-identified
/// series UID) shown small, so a reader sees orientation and windowing at a glance. A NIfTI volume shows its middle
/// slice along the third voxel axis (+i to the right, +j up); a DICOM series its middle instance (by Instance
/// Number) as a viewer shows it, MONOCHROME1 inverted; greyscale is windowed to the slice's 1st to 99th
/// percentile. Only the release's own files are drawn (de-identified, burned-in rules applied, excluded items
/// absent), never a series whose Body Part Examined is of the head or face (<see cref="DicomBodyParts.HeadAndFace"/>),
/// never a photograph, capture or scan (<see cref="DicomPhotographs"/>: the card is committed to Git, the images are
/// not), and never a PNG image of layout png (its bytes are already in the release). Deterministic: the same release
/// gives the same pictures.
/// </summary>
public static class CardThumbnails
{
    /// <summary>The longest side of a thumbnail, in pixels (nearest-neighbour downsampling).</summary>
    public const int MaxSide = 160;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The thumbnails section, or null when none are asked for.</summary>
    public static CardSection? Section(ReleaseManifest m, int perModality, Func<string, byte[]?>? readObject)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (perModality <= 0) return null;
        if (readObject is null)
            return new CardSection("thumbnails", "Thumbnails", [new CardParagraph("Thumbnails: the store is not at hand, so no image was read.")]);
        var head = DicomBodyParts.HeadAndFace.ToHashSet(StringComparer.Ordinal);
        var series = m.Files
            .Where(f => f.Series is not null && f.Kind is OutputKinds.NiftiVolume or OutputKinds.DicomInstance)
            .GroupBy(f => f.Series!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var blocks = new List<CardBlock>();
        int skippedHead = 0, skippedPhotographs = 0;
        foreach (var modality in series.GroupBy(g => ReleaseItem.Text(g.First().Item, "modality") ?? CardContent.None, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var images = new List<CardImage>();
            foreach (var s in modality)
            {
                if (images.Count == perModality) break;
                var files = s.ToList();
                if (files.Select(f => ReleaseItem.Text(f.Item, "body_part")).FirstOrDefault(b => b is not null) is { } part && head.Contains(part.ToUpperInvariant()))
                {
                    skippedHead++;
                    continue;
                }
                // The card is committed to Git: a photograph, screenshot or scan (a face, a tattoo, a name on a form
                // no burned_in_regions rule knew) is never copied there.
                if (DicomPhotographs.Is(modality.Key, files.Select(f => f.Item["header"]?["sop_class_uid"]?.GetValue<string>()).FirstOrDefault(u => u is not null)))
                {
                    skippedPhotographs++;
                    continue;
                }
                if (Render(files, readObject) is { } image) images.Add(image);
            }
            if (images.Count > 0) blocks.Add(new CardImages($"thumbnails-{modality.Key}", $"{modality.Key}: {images.Count.ToString(Invariant)} of {modality.Count().ToString(Invariant)} series", images));
        }
        if (blocks.Count == 0) blocks.Add(new CardParagraph("Thumbnails: the release has no NIfTI volume or DICOM image that could be drawn."));
        blocks.Insert(0, new CardParagraph("A NIfTI volume shows its middle slice along the third voxel axis (+i to the right, +j up); a DICOM series its middle instance as a viewer shows it. Greyscale spans the slice's 1st to 99th percentile."
            + (skippedHead > 0 ? $" {skippedHead.ToString(Invariant)} series of the head or face are not shown." : " Series of the head or face are never shown.")
            + (skippedPhotographs > 0 ? $" {skippedPhotographs.ToString(Invariant)} series of photographs, captures or scans are not shown." : " Photographs, captures and scans are never shown.")));
        return new CardSection("thumbnails", "Thumbnails", blocks);
    }

    private static CardImage? Render(IReadOnlyList<ReleaseFile> files, Func<string, byte[]?> readObject)
    {
        var series = files[0].Series!;
        var caption = $"{files.Select(f => f.Patient).FirstOrDefault(p => p is not null) ?? CardContent.None} / ...{series[Math.Max(0, series.Length - 8)..]}";
        try
        {
            if (files.Where(f => f.Kind == OutputKinds.NiftiVolume).OrderBy(f => f.Path, StringComparer.Ordinal).FirstOrDefault() is { } nifti)
                return readObject(nifti.Sha256) is { } bytes ? Volume(bytes, nifti.Path, caption) : null;
            var instances = files.Where(f => f.Kind == OutputKinds.DicomInstance)
                .OrderBy(f => f.Item["header"]?["instance_number"] is JsonValue n && n.TryGetValue<int>(out var i) ? i : int.MaxValue)
                .ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
            if (instances.Count == 0) return null;
            var middle = instances[instances.Count / 2];
            return readObject(middle.Sha256) is { } dicom ? Instance(dicom, caption) : null;
        }
        catch (Exception e) when (e is ImagingException or DicomFormatException or NotSupportedException or InvalidOperationException or IOException or InvalidDataException)
        {
            // A picture the card cannot draw is left out; the release's files are checked elsewhere.
            return null;
        }
    }

    private static CardImage Volume(byte[] bytes, string name, string caption)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var volume = NiftiReader.Read(stream, name);
        int nx = volume.Dim(0), ny = volume.Dim(1), k = volume.Dim(2) / 2;
        var frame = volume.FrameToSingles(0);
        var slice = new double[nx * ny];
        // Row 0 of the picture is the slice's last j, so +j points up.
        for (var j = 0; j < ny; j++)
            for (var i = 0; i < nx; i++)
                slice[(ny - 1 - j) * nx + i] = frame[(long)k * nx * ny + (long)j * nx + i];
        return Grey(slice, nx, ny, invert: false, $"{caption}, slice {(k + 1).ToString(Invariant)} of {volume.Dim(2).ToString(Invariant)}");
    }

    private static CardImage? Instance(byte[] bytes, string caption)
    {
        var file = DicomReader.Read(bytes);
        if (!file.Dataset.Contains(DicomTags.PixelData)) return null;
        var pixels = DicomPixelData.Create(file);
        var photometric = pixels.PhotometricInterpretation.Trim();
        if (photometric is "MONOCHROME1" or "MONOCHROME2" && pixels.SamplesPerPixel == 1)
            return Grey(pixels.GetRealValues(0), pixels.Columns, pixels.Rows, pixels.IsInverted, caption);
        if (photometric is not ("RGB" or "YBR_FULL" or "YBR_FULL_422") || pixels.SamplesPerPixel != 3 || pixels.BitsStored != 8) return null;
        var samples = pixels.GetStoredValues(0);
        var rgb = photometric == "RGB" ? samples : pixels.YbrFullToRgb(samples);
        var (w, h, step) = Size(pixels.Columns, pixels.Rows);
        var small = new long[w * h * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                    small[(y * w + x) * 3 + c] = rgb[((long)y * step * pixels.Columns + (long)x * step) * 3 + c];
        return new CardImage(caption, PngRendering.Rgb(small, w, h, compressionLevel: 9), w, h);
    }

    private static CardImage Grey(double[] values, int width, int height, bool invert, string caption)
    {
        var (w, h, step) = Size(width, height);
        var small = new double[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                small[y * w + x] = values[(long)y * step * width + (long)x * step];
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        var (lo, hi) = sorted.Length == 0 ? (0.0, 1.0) : (sorted[(int)(0.01 * (sorted.Length - 1))], sorted[(int)(0.99 * (sorted.Length - 1))]);
        if (hi <= lo) hi = lo + 1;
        return new CardImage(caption, PngRendering.Greyscale(small, w, h, VoiWindow.FromBounds(lo, hi), invert, 8, compressionLevel: 9), w, h);
    }

    // The thumbnail's size and the source step: every step-th pixel, so the longest side is at most MaxSide.
    private static (int Width, int Height, int Step) Size(int width, int height)
    {
        var step = Math.Max(1, (Math.Max(width, height) + MaxSide - 1) / MaxSide);
        return ((width + step - 1) / step, (height + step - 1) / step, step);
    }
}
