using System.Globalization;
using System.Text.Json;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Clean Pixel Data Option (PS3.15 E.3.1) by rule, as RSNA CTP's pixel anonymiser does: the manifest's
/// <c>burned_in_regions</c> name where a device burns text into its images (by modality, manufacturer,
/// model and matrix size), and every matching rectangle is set to zero in every frame and sample.
/// Native (uncompressed) and RLE Lossless pixel data are cleaned; RLE is decoded, blanked and encoded
/// again as RLE, so the transfer syntax and its lossless promise stay what the sender chose (writing it
/// uncompressed would be as correct but several times larger). Other compressed data (JPEG, JPEG-LS,
/// JPEG 2000) is decoded, blanked and encoded again losslessly (<see cref="CompressedPixels"/>); what cannot
/// be decoded is refused with a reason, never passed through.
/// </summary>
public sealed class PixelCleaner
{
    /// <summary>One rule: criteria that are null match anything; the rectangle is x, y, width, height in pixels.</summary>
    public sealed record Rule(string? Modality, string? Manufacturer, string? Model, int? Rows, int? Columns, int X, int Y, int Width, int Height);

    private readonly IReadOnlyList<Rule> _rules;

    private PixelCleaner(IReadOnlyList<Rule> rules) => _rules = rules;

    /// <summary>The rules of a <c>deidentify:</c> section (none when it has no <c>burned_in_regions</c>).</summary>
    public static PixelCleaner From(JsonElement config)
    {
        var rules = new List<Rule>();
        if (config.TryGetProperty("burned_in_regions", out var list))
            foreach (var r in list.EnumerateArray())
            {
                var region = r.GetProperty("region").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                rules.Add(new Rule(Text(r, "modality"), Text(r, "manufacturer"), Text(r, "model"), Number(r, "rows"), Number(r, "columns"),
                    region[0], region[1], region[2], region[3]));
            }
        return new PixelCleaner(rules);
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString()!.Trim() : null;

    private static int? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt32() : null;

    /// <summary>The rules that cover an instance (comparisons of text ignore case and padding).</summary>
    public IReadOnlyList<Rule> Matching(DicomDataset ds) => _rules.Where(r =>
        Same(r.Modality, ds.GetString(DicomTags.Modality)) && Same(r.Manufacturer, ds.GetString(DicomTags.Manufacturer))
        && Same(r.Model, ds.GetString(DicomTags.ManufacturerModelName))
        && (r.Rows is null || r.Rows == ds.GetInteger(DicomTags.Rows)) && (r.Columns is null || r.Columns == ds.GetInteger(DicomTags.Columns))).ToList();

    private static bool Same(string? wanted, string? actual) =>
        wanted is null || string.Equals(wanted, actual?.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets the rules' rectangles to zero in the file's pixel data; returns why it cannot, or null when done.</summary>
    public static string? Blank(DicomFile file, IReadOnlyList<Rule> rules)
    {
        var ds = file.Dataset;
        var rle = file.TransferSyntax == DicomTransferSyntax.RLELossless;
        if (file.TransferSyntax.IsEncapsulated && !rle) return CompressedPixels.Blank(file, rules);
        var pixels = ds.Get(DicomTags.PixelData);
        if (rle ? pixels is not DicomFragmentSequence : pixels is not DicomElement) return "pixel cleaning: the instance has no Pixel Data to clean, so it is excluded";
        var rows = (int)(ds.GetInteger(DicomTags.Rows) ?? 0);
        var columns = (int)(ds.GetInteger(DicomTags.Columns) ?? 0);
        var bits = (int)(ds.GetInteger(DicomTags.BitsAllocated) ?? 0);
        var samples = (int)(ds.GetInteger(DicomTags.SamplesPerPixel) ?? 1);
        var planar = ds.GetInteger(DicomTags.PlanarConfiguration) ?? 0;
        var frames = (int)(ds.GetInteger(DicomTags.NumberOfFrames) ?? 1);
        if (rows <= 0 || columns <= 0 || bits is not (8 or 16 or 32) || samples <= 0 || frames <= 0)
            return $"pixel cleaning: unsupported pixel layout (Bits Allocated {bits.ToString(CultureInfo.InvariantCulture)}), so the instance is excluded";
        if (rle) return RlePixels.Blank(ds, (DicomFragmentSequence)pixels!, rows, columns, samples, bits, frames, rules);
        var element = (DicomElement)pixels!;
        var frameSize = (long)rows * columns * samples * (bits / 8);
        if (element.Length < frameSize * frames) return "pixel cleaning: Pixel Data is shorter than its rows, columns and frames say, so the instance is excluded";
        var data = element.Data.ToArray();
        BlankFrames(data, rows, columns, samples, bits, (int)planar, frames, rules);
        ds.Add(new DicomElement(DicomTags.PixelData, element.VR, data));
        return null;
    }

    /// <summary>Sets the rectangles to zero in every frame of native samples (planar 0: interleaved by pixel; 1: by plane).</summary>
    internal static void BlankFrames(byte[] data, int rows, int columns, int samples, int bits, int planar, int frames, IReadOnlyList<Rule> rules)
    {
        var bytes = bits / 8;
        var frameSize = (long)rows * columns * samples * bytes;
        foreach (var rule in rules)
        {
            // Clipped to the image: a rule written for a larger matrix blanks what overlaps.
            int x0 = Math.Clamp(rule.X, 0, columns), y0 = Math.Clamp(rule.Y, 0, rows);
            int x1 = Math.Clamp(rule.X + rule.Width, 0, columns), y1 = Math.Clamp(rule.Y + rule.Height, 0, rows);
            if (x1 <= x0 || y1 <= y0) continue;
            for (var f = 0; f < frames; f++)
                for (var y = y0; y < y1; y++)
                {
                    if (planar == 0)
                        Array.Clear(data, (int)(f * frameSize + ((long)y * columns + x0) * samples * bytes), (x1 - x0) * samples * bytes);
                    else
                        for (var s = 0; s < samples; s++)
                            Array.Clear(data, (int)(f * frameSize + (long)s * rows * columns * bytes + ((long)y * columns + x0) * bytes), (x1 - x0) * bytes);
                }
        }
    }
}
