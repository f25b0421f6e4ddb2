using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Dicom.Imaging;
using DataForge.Dicom.IO;
using DataForge.Imaging;
using DataForge.Imaging.Nifti;

namespace DataForge.Release.Card;

/// <summary>
/// The card's plots that read the published images themselves, from the store by their pinned hashes: voxel
/// intensity per modality (real units: NIfTI values after harmonisation, DICOM stored values through Rescale
/// Slope/Intercept) and the volume of each mask class. Files are read one at a time in path order, and
/// intensities from a fixed stride of each image's voxels, so a large release is read once with bounded
/// memory and the same release always gives the same bars.
/// </summary>
public static class CardVoxels
{
    /// <summary>At most this many voxels of one image are sampled for the intensity histogram.</summary>
    public const int SamplesPerImage = 8192;

    private const int IntensityBins = 16;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Intensity histograms per modality of the image files (NIfTI volumes and DICOM instances, not masks or PNG).</summary>
    public static CardBlock Intensity(ReleaseManifest m, Func<string, byte[]?>? readObject)
    {
        ArgumentNullException.ThrowIfNull(m);
        const string title = "Voxel intensity (real units: HU for CT; after harmonisation when there is one), a fixed sample of every image";
        if (readObject is null) return new CardParagraph("Voxel intensity: the store is not at hand, so the images were not read.");
        var samples = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        int unread = 0, read = 0;
        foreach (var file in m.Files.Where(f => f.Kind is OutputKinds.NiftiVolume or OutputKinds.DicomInstance))
        {
            var values = file.Kind == OutputKinds.NiftiVolume ? VolumeValues(readObject(file.Sha256), file.Path) : InstanceValues(readObject(file.Sha256));
            if (values is null) { unread++; continue; }
            read++;
            var modality = ReleaseItem.Text(file.Item, "modality") ?? CardContent.None;
            if (!samples.TryGetValue(modality, out var list)) samples[modality] = list = [];
            var stride = Math.Max(1, values.Length / SamplesPerImage);
            for (var i = 0; i < values.Length; i += stride)
                if (double.IsFinite(values[i])) list.Add(values[i]);
        }
        if (read == 0)
            return new CardParagraph(unread == 0 ? "Voxel intensity: the release has no NIfTI volume or DICOM image to measure (PNG images hold display values, not real units)."
                : $"Voxel intensity: none of the {unread.ToString(Invariant)} images could be read from the store.");
        var groups = samples.Select(s => (s.Key, Bars: Bins(s.Value))).Where(g => g.Bars.Count > 0).ToList();
        var note = $"{read.ToString(Invariant)} images read; bins span the 0.5th to 99.5th percentile, values beyond fall in the end bins" +
                   (unread > 0 ? $"; {unread.ToString(Invariant)} could not be read from the store" : "");
        return new CardPlot("intensity", title, groups, note);
    }

    /// <summary>Mask volume per class (mL) over the NIfTI label files of a series, one histogram per class.</summary>
    public static CardBlock MaskVolumes(ReleaseManifest m, Func<string, byte[]?>? readObject)
    {
        ArgumentNullException.ThrowIfNull(m);
        var masks = m.Files.Where(f => f.Kind == OutputKinds.Label && f.Series is not null
            && (f.Path.EndsWith(".nii.gz", StringComparison.Ordinal) || f.Path.EndsWith(".nii", StringComparison.Ordinal))).ToList();
        if (masks.Count == 0) return new CardParagraph("Mask volumes: the release has no NIfTI masks.");
        if (readObject is null) return new CardParagraph("Mask volumes: the store is not at hand, so the masks were not read.");
        var names = new Dictionary<int, string>();
        if (m.Policy["labels"]?["classes"] is JsonArray classes)
            foreach (var c in classes.OfType<JsonObject>())
                if (c["id"] is JsonValue id && id.TryGetValue<int>(out var n)) names[n] = ReleaseItem.Text(c, "name") ?? n.ToString(Invariant);
        var volumes = new SortedDictionary<int, List<double>>();
        var unread = 0;
        foreach (var mask in masks)
        {
            Volume volume;
            try
            {
                if (readObject(mask.Sha256) is not { } bytes) { unread++; continue; }
                using var stream = new MemoryStream(bytes, writable: false);
                volume = NiftiReader.Read(stream, mask.Path);
            }
            catch (Exception e) when (e is ImagingException or IOException or InvalidDataException) { unread++; continue; }
            var (x, y, z) = volume.Spacing;
            var millilitres = x * y * z / 1000.0;
            var counts = new SortedDictionary<int, long>();
            foreach (var v in volume.FrameToSingles(0))
            {
                var label = (int)MathF.Round(v);
                if (label != 0) counts[label] = counts.GetValueOrDefault(label) + 1;
            }
            foreach (var (label, count) in counts)
            {
                if (!volumes.TryGetValue(label, out var list)) volumes[label] = list = [];
                list.Add(count * millilitres);
            }
        }
        if (volumes.Count == 0)
            return new CardParagraph(unread == masks.Count ? "Mask volumes: the masks could not be read from the store." : "Mask volumes: every mask is empty (background only).");
        var groups = volumes.Select(v => ($"{names.GetValueOrDefault(v.Key, v.Key.ToString(Invariant))}", CardHistogram.Bins(v.Value, "0.#"))).ToList();
        return new CardPlot("mask-volume", "Mask volume per class (mL), masks", groups,
            $"{masks.Count.ToString(Invariant)} masks" + (unread > 0 ? $", {unread.ToString(Invariant)} not read from the store" : ""));
    }

    private static float[]? VolumeValues(byte[]? bytes, string name)
    {
        if (bytes is null) return null;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var volume = NiftiReader.Read(stream, name);
            return volume.ToSingles();
        }
        catch (Exception e) when (e is ImagingException or IOException or InvalidDataException) { return null; }
    }

    private static float[]? InstanceValues(byte[]? bytes)
    {
        if (bytes is null) return null;
        try
        {
            var file = DicomReader.Read(bytes);
            if (!file.Dataset.Contains(DicomTags.PixelData)) return null;
            var pixels = DicomPixelData.Create(file);
            if (pixels.SamplesPerPixel != 1) return null;
            var real = pixels.GetRealValues(0);
            var result = new float[real.Length];
            for (var i = 0; i < real.Length; i++) result[i] = (float)real[i];
            return result;
        }
        catch (Exception e) when (e is DicomFormatException or ImagingException or NotSupportedException or InvalidOperationException) { return null; }
    }

    // Equal-width bins between the 0.5th and 99.5th percentiles (outliers fall in the end bins), labelled by their lower edge.
    private static IReadOnlyList<(string Label, double Value)> Bins(List<double> values)
    {
        if (values.Count == 0) return [];
        values.Sort();
        var lo = values[(int)(0.005 * (values.Count - 1))];
        var hi = values[(int)(0.995 * (values.Count - 1))];
        if (hi <= lo) return [(Format(lo, 1), values.Count)];
        var width = (hi - lo) / IntensityBins;
        var counts = new int[IntensityBins];
        foreach (var v in values) counts[Math.Clamp((int)((v - lo) / width), 0, IntensityBins - 1)]++;
        return counts.Select((c, i) => (Format(lo + i * width, width), (double)c)).ToList();
    }

    private static string Format(double v, double width) => v.ToString(width >= 10 ? "0" : width >= 1 ? "0.#" : "0.###", Invariant);
}
