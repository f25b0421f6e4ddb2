using DataForge.Dicom;

namespace DataForge.Stages.Harmonise;

/// <summary>
/// The geometry and grouping attributes of one single-frame instance (PS3.3 C.7.6.2 Image Plane
/// module), read once so that the builder can check, group and sort without going back to the dataset.
/// </summary>
internal sealed record SliceFacts(
    DicomFile File, int Rows, int Columns, double[] Position, double[] Orientation, double[] PixelSpacing,
    string Echo, string Acquisition, int Frames)
{
    /// <summary>The facts of a file, or the name of the first required attribute it lacks.</summary>
    public static (SliceFacts? Facts, string? Missing) Read(DicomFile file)
    {
        var ds = file.Dataset;
        var position = Numbers(ds, DicomTags.ImagePositionPatient, 3);
        if (position is null) return (null, "Image Position (Patient) (0020,0032)");
        var orientation = Numbers(ds, DicomTags.ImageOrientationPatient, 6);
        if (orientation is null) return (null, "Image Orientation (Patient) (0020,0037)");
        var spacing = Numbers(ds, DicomTags.PixelSpacing, 2);
        if (spacing is null || spacing[0] <= 0 || spacing[1] <= 0) return (null, "a positive Pixel Spacing (0028,0030)");
        if (ds.GetInteger(DicomTags.Rows) is not { } rows || rows < 1) return (null, "Rows (0028,0010)");
        if (ds.GetInteger(DicomTags.Columns) is not { } columns || columns < 1) return (null, "Columns (0028,0011)");
        // PS3.3 C.7.6.2.1.1: the echo is told apart by Echo Numbers, else by Echo Time.
        var echo = ds.GetString(DicomTags.EchoNumbers)?.Trim() ?? ds.GetString(DicomTags.EchoTime)?.Trim() ?? "";
        var acquisition = ds.GetString(DicomTags.AcquisitionNumber)?.Trim() ?? "";
        var frames = (int)Math.Max(1, ds.GetInteger(DicomTags.NumberOfFrames) ?? 1);
        return (new SliceFacts(file, (int)rows, (int)columns, position, orientation, spacing, echo, acquisition, frames), null);
    }

    /// <summary>Row direction cosines (the first three values of IOP).</summary>
    public double[] RowCosines => Orientation[..3];

    /// <summary>Column direction cosines (the last three values of IOP).</summary>
    public double[] ColumnCosines => Orientation[3..];

    private static double[]? Numbers(DicomDataset ds, DicomTag tag, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (ds.GetNumber(tag, i) is not { } v || !double.IsFinite(v)) return null;
            values[i] = v;
        }
        return values;
    }
}
