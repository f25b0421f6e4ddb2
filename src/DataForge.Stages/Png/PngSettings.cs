using System.Text.Json;
using DataForge.Imaging.Png;

namespace DataForge.Stages.Png;

/// <summary>
/// The manifest's <c>output.png</c> settings: greyscale bit depth, whether cross-sectional modalities
/// get one PNG per slice, the display window (null: each instance's own, else its min/max), and the file format
/// (<c>png</c>, or <c>tiff</c> for layout png).
/// </summary>
public sealed record PngSettings(int BitDepth, bool Slices, VoiWindow? Window, string Format = "png")
{
    /// <summary>True when the images are written as TIFF.</summary>
    public bool Tiff => Format == "tiff";

    /// <summary>Modalities whose instances are 2D images (projection radiography, mammography, ultrasound, angiography...).</summary>
    public static IReadOnlySet<string> TwoDimensional { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "CR", "DX", "MG", "US", "XA", "RF", "IO", "PX",
    };

    /// <summary>Defaults: 8 bits, no slices, the instance's window.</summary>
    public static PngSettings Default { get; } = new(8, false, null);

    /// <summary>Binds the JSON of <c>output.png</c> (validated by the schema), or the defaults for null.</summary>
    public static PngSettings From(JsonElement? png)
    {
        if (png is not { ValueKind: JsonValueKind.Object } p) return Default;
        var bitDepth = p.TryGetProperty("bit_depth", out var b) ? b.GetInt32() : 8;
        var slices = p.TryGetProperty("slices", out var s) && s.GetBoolean();
        VoiWindow? window = null;
        if (p.TryGetProperty("window", out var w))
            window = w.TryGetProperty("min", out var min)
                ? VoiWindow.FromBounds(min.GetDouble(), w.GetProperty("max").GetDouble())
                : new VoiWindow(w.GetProperty("center").GetDouble(), w.GetProperty("width").GetDouble(),
                    w.TryGetProperty("function", out var f) ? f.GetString()! : VoiWindow.Linear);
        return new PngSettings(bitDepth, slices, window, p.TryGetProperty("format", out var format) ? format.GetString()! : "png");
    }

    /// <summary>True when instances of the modality become PNG images.</summary>
    public bool Includes(string modality) => TwoDimensional.Contains(modality) || Slices;
}
