namespace DataForge.Synth;

/// <summary>
/// A phantom of nested ellipsoids with distinct intensities: the value at a point is that of the
/// last (innermost) ellipsoid containing it, else the background. Coordinates are patient LPS mm.
/// </summary>
public sealed class Phantom(double background, IReadOnlyList<Ellipsoid> parts)
{
    public double Background { get; } = background;

    public IReadOnlyList<Ellipsoid> Parts { get; } = parts;

    public double ValueAt(double x, double y, double z)
    {
        var value = Background;
        foreach (var p in Parts)
            if (p.Contains(x, y, z)) value = p.Value;
        return value;
    }

    /// <summary>A chest in Hounsfield units: air, body, lungs, heart, spine; scaled per patient.</summary>
    public static Phantom Chest(double scale) => new(-1000,
    [
        new(0, 0, 0, 150 * scale, 110 * scale, 400, 40),
        new(-65 * scale, -5, 0, 45 * scale, 65 * scale, 300, -850),
        new(65 * scale, -5, 0, 45 * scale, 65 * scale, 300, -850),
        new(15 * scale, -25 * scale, -20, 45 * scale, 40 * scale, 45, 45),
        new(0, 75 * scale, 0, 16 * scale, 16 * scale, 400, 700),
    ]);

    /// <summary>A head in arbitrary MR units (T1-like): scalp, grey matter, white matter, ventricles.</summary>
    public static Phantom Head(double scale) => new(0,
    [
        new(0, 0, 0, 72 * scale, 92 * scale, 100 * scale, 500),
        new(0, 0, 0, 64 * scale, 84 * scale, 88 * scale, 620),
        new(0, 0, 5, 48 * scale, 66 * scale, 62 * scale, 900),
        new(-9 * scale, -5, 10, 6 * scale, 22 * scale, 12 * scale, 180),
        new(9 * scale, -5, 10, 6 * scale, 22 * scale, 12 * scale, 180),
    ]);
}
