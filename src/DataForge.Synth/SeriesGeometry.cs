namespace DataForge.Synth;

/// <summary>
/// Geometry of a stack of parallel slices (PS3.3 C.7.6.2): row and column direction cosines, pixel
/// spacing and the position of the first voxel of each slice, spaced along the slice normal.
/// </summary>
public sealed record SeriesGeometry(
    double[] RowDirection, double[] ColumnDirection, double RowSpacing, double ColumnSpacing,
    double SliceSpacing, int Rows, int Columns, int Slices, double[] FirstPosition)
{
    /// <summary>Row cosines × column cosines.</summary>
    public double[] Normal =>
    [
        RowDirection[1] * ColumnDirection[2] - RowDirection[2] * ColumnDirection[1],
        RowDirection[2] * ColumnDirection[0] - RowDirection[0] * ColumnDirection[2],
        RowDirection[0] * ColumnDirection[1] - RowDirection[1] * ColumnDirection[0],
    ];

    /// <summary>Image Position (Patient) of slice <paramref name="k"/>.</summary>
    public double[] PositionOf(int k)
    {
        var n = Normal;
        return [FirstPosition[0] + k * SliceSpacing * n[0], FirstPosition[1] + k * SliceSpacing * n[1], FirstPosition[2] + k * SliceSpacing * n[2]];
    }

    /// <summary>Patient coordinates of pixel (row, column) of slice k.</summary>
    public (double X, double Y, double Z) PointOf(int k, int row, int column)
    {
        var p = PositionOf(k);
        var c = column * ColumnSpacing;
        var r = row * RowSpacing;
        return (p[0] + c * RowDirection[0] + r * ColumnDirection[0],
                p[1] + c * RowDirection[1] + r * ColumnDirection[1],
                p[2] + c * RowDirection[2] + r * ColumnDirection[2]);
    }

    /// <summary>Axial slices (feet to head) covering a field of view centred on the origin.</summary>
    public static SeriesGeometry Axial(int matrix, int slices, double fieldOfView, double coverage)
    {
        var spacing = fieldOfView / matrix;
        var gap = coverage / slices;
        return new([1, 0, 0], [0, 1, 0], spacing, spacing, gap, matrix, matrix, slices,
            [-fieldOfView / 2 + spacing / 2, -fieldOfView / 2 + spacing / 2, -coverage / 2 + gap / 2]);
    }

    /// <summary>Sagittal slices (right to left): rows run anterior to posterior, columns superior to inferior.</summary>
    public static SeriesGeometry Sagittal(int matrix, int slices, double fieldOfView, double coverage)
    {
        var spacing = fieldOfView / matrix;
        var gap = coverage / slices;
        // Row direction +Y (posterior), column direction -Z (inferior): normal = Y × -Z = -X, so slices
        // advance towards the patient's right; start at the left side.
        return new([0, 1, 0], [0, 0, -1], spacing, spacing, gap, matrix, matrix, slices,
            [coverage / 2 - gap / 2, -fieldOfView / 2 + spacing / 2, fieldOfView / 2 - spacing / 2]);
    }
}
