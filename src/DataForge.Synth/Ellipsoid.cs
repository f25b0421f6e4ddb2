namespace DataForge.Synth;

/// <summary>An axis-aligned ellipsoid in patient coordinates (mm, LPS) with the value it adds inside.</summary>
public readonly record struct Ellipsoid(double X, double Y, double Z, double A, double B, double C, double Value)
{
    public bool Contains(double x, double y, double z)
    {
        var dx = (x - X) / A;
        var dy = (y - Y) / B;
        var dz = (z - Z) / C;
        return dx * dx + dy * dy + dz * dz <= 1.0;
    }
}
