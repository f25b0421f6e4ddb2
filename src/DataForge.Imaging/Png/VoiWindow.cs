namespace DataForge.Imaging.Png;

/// <summary>
/// A VOI window (PS3.3 C.11.2.1.2): maps modality values (after the Modality LUT, e.g. HU) onto the
/// display range as a fraction in [0, 1]. <c>LINEAR</c> is the standard's window with its half-pixel
/// offsets (C.11.2.1.2.1), <c>LINEAR_EXACT</c> maps [center - width/2, center + width/2] exactly
/// (C.11.2.1.3.2), <c>SIGMOID</c> is C.11.2.1.3.1.
/// </summary>
/// <param name="Center">Window Center (0028,1050).</param>
/// <param name="Width">Window Width (0028,1051): at least 1 for LINEAR, above 0 otherwise.</param>
/// <param name="Function">VOI LUT Function (0028,1056): LINEAR, LINEAR_EXACT or SIGMOID.</param>
public sealed record VoiWindow(double Center, double Width, string Function = VoiWindow.Linear)
{
    /// <summary>The standard's default function.</summary>
    public const string Linear = "LINEAR";

    /// <summary>An exact linear map of [c - w/2, c + w/2].</summary>
    public const string LinearExact = "LINEAR_EXACT";

    /// <summary>A sigmoid around the center.</summary>
    public const string Sigmoid = "SIGMOID";

    /// <summary>The window that maps [min, max] exactly onto the display range.</summary>
    public static VoiWindow FromBounds(double min, double max) =>
        max > min ? new VoiWindow((min + max) / 2, max - min, LinearExact)
            : throw new ImagingException($"a window needs min < max, not [{min}, {max}]");

    /// <summary>
    /// The window of the values' finite range (NaN and infinities skipped: an infinite bound would make the window
    /// infinite); [0, 1] when none is finite, and one unit wide when all are equal: the fallback when neither the manifest
    /// nor the image names a window.
    /// </summary>
    public static VoiWindow OfRange<T>(ReadOnlySpan<T> values) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!T.IsFinite(v)) continue;
            var d = double.CreateTruncating(v);
            min = Math.Min(min, d);
            max = Math.Max(max, d);
        }
        if (!double.IsFinite(min)) (min, max) = (0, 1);
        return FromBounds(min, max > min ? max : min + 1);
    }

    /// <summary>Why the window cannot be used, or null when it can.</summary>
    public string? Problem => Function switch
    {
        _ when !double.IsFinite(Center) || !double.IsFinite(Width) => "window center and width must be finite numbers",
        Linear when Width < 1 => $"a LINEAR window needs width >= 1 (PS3.3 C.11.2.1.2.1), not {Width}",
        LinearExact or Sigmoid when Width <= 0 => $"a {Function} window needs width > 0, not {Width}",
        Linear or LinearExact or Sigmoid => null,
        _ => $"VOI LUT Function {Function} is not one of LINEAR, LINEAR_EXACT, SIGMOID",
    };

    /// <summary>The display fraction of a modality value: 0 is the bottom of the range, 1 the top.</summary>
    public double Fraction(double x)
    {
        switch (Function)
        {
            case Sigmoid:
                return 1 / (1 + Math.Exp(-4 * (x - Center) / Width));
            case Linear:
                // C.11.2.1.2.1: x <= c - 0.5 - (w-1)/2 -> min; x > c - 0.5 + (w-1)/2 -> max;
                // else ((x - (c - 0.5)) / (w - 1) + 0.5) of the range.
                if (Width == 1) return x <= Center - 0.5 ? 0 : 1;
                return Ramp(x, Center - 0.5, Width - 1);
            default:
                return Ramp(x, Center, Width);
        }
    }

    private static double Ramp(double x, double c, double w)
    {
        if (x <= c - w / 2) return 0;
        if (x > c + w / 2) return 1;
        return (x - c) / w + 0.5;
    }
}
