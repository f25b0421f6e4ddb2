using DataForge.Imaging.Operations;

namespace DataForge.Imaging.Nifti;

/// <summary>
/// NIfTI's quaternion form of the qform (nifti1.h "METHOD 2"): a rotation given by (b, c, d) with
/// a = sqrt(1 - b² - c² - d²), voxel sizes, and qfac = ±1 flipping the third axis.
/// </summary>
internal static class Quaternions
{
    /// <summary>
    /// The qform affine, as nifti1_io's nifti_quatern_to_mat44 computes it, except near a
    /// 180-degree rotation: a = sqrt(1 - b² - c² - d²) whenever that is not negative, as nibabel
    /// does (nifti1_io rounds a to 0 below 1e-7, which moves elements by up to 1e-5). A negative
    /// value (float32 rounding) gives a = 0 and a renormalised (b, c, d).
    /// </summary>
    public static Affine ToAffine(double b, double c, double d, double qx, double qy, double qz,
        double dx, double dy, double dz, double qfac)
    {
        var a = 1.0 - (b * b + c * c + d * d);
        if (a < 0)
        {
            var n = 1.0 / Math.Sqrt(b * b + c * c + d * d);
            b *= n;
            c *= n;
            d *= n;
            a = 0;
        }
        else
        {
            a = Math.Sqrt(a);
        }
        var xd = dx > 0 ? dx : 1;
        var yd = dy > 0 ? dy : 1;
        var zd = dz > 0 ? dz : 1;
        if (qfac < 0) zd = -zd;
        return Affine.FromRows([
            (a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd, 2 * (b * d + a * c) * zd, qx,
            2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2 * (c * d - a * b) * zd, qy,
            2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, qz,
        ]);
    }

    /// <summary>
    /// The quaternion (b, c, d), offsets and qfac of an affine, as nifti1_io's
    /// nifti_mat44_to_quatern: columns normalised, then the nearest orthogonal matrix (polar
    /// decomposition) when the columns are not orthogonal.
    /// </summary>
    public static (double B, double C, double D, double Qx, double Qy, double Qz, double Qfac) FromAffine(Affine m)
    {
        var r = new double[3, 3];
        for (var j = 0; j < 3; j++)
        {
            var n = Math.Sqrt(m[0, j] * m[0, j] + m[1, j] * m[1, j] + m[2, j] * m[2, j]);
            if (n == 0) n = 1;
            for (var i = 0; i < 3; i++) r[i, j] = m[i, j] / n;
        }
        Matrix3.OrthogonalPolarFactor(r);
        var det = Matrix3.Determinant(r);
        var qfac = 1.0;
        if (det < 0)
        {
            qfac = -1;
            for (var i = 0; i < 3; i++) r[i, 2] = -r[i, 2];
        }
        double a, b, c, d;
        var trace = r[0, 0] + r[1, 1] + r[2, 2] + 1;
        if (trace > 0.5)
        {
            a = 0.5 * Math.Sqrt(trace);
            b = 0.25 * (r[2, 1] - r[1, 2]) / a;
            c = 0.25 * (r[0, 2] - r[2, 0]) / a;
            d = 0.25 * (r[1, 0] - r[0, 1]) / a;
        }
        else
        {
            var xd = 1.0 + r[0, 0] - (r[1, 1] + r[2, 2]);
            var yd = 1.0 + r[1, 1] - (r[0, 0] + r[2, 2]);
            var zd = 1.0 + r[2, 2] - (r[0, 0] + r[1, 1]);
            if (xd > 1.0)
            {
                b = 0.5 * Math.Sqrt(xd);
                c = 0.25 * (r[0, 1] + r[1, 0]) / b;
                d = 0.25 * (r[0, 2] + r[2, 0]) / b;
                a = 0.25 * (r[2, 1] - r[1, 2]) / b;
            }
            else if (yd > 1.0)
            {
                c = 0.5 * Math.Sqrt(yd);
                b = 0.25 * (r[0, 1] + r[1, 0]) / c;
                d = 0.25 * (r[1, 2] + r[2, 1]) / c;
                a = 0.25 * (r[0, 2] - r[2, 0]) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd);
                b = 0.25 * (r[0, 2] + r[2, 0]) / d;
                c = 0.25 * (r[1, 2] + r[2, 1]) / d;
                a = 0.25 * (r[1, 0] - r[0, 1]) / d;
            }
            if (a < 0)
            {
                b = -b;
                c = -c;
                d = -d;
            }
        }
        return (b, c, d, m[0, 3], m[1, 3], m[2, 3], qfac);
    }
}
