using DataForge.Dicom;

namespace DataForge.Stages.Volumes;

/// <summary>
/// The geometry and grouping attributes of one frame to stack: a single-frame instance (PS3.3 C.7.6.2
/// Image Plane module) or one frame of a multi-frame instance described by functional groups (PS3.3
/// C.7.6.16), read once so that the builder can check, group and sort without going back to the dataset.
/// </summary>
internal sealed record SliceFacts(
    DicomFile File, int Frame, int Rows, int Columns, double[] Position, double[] Orientation, double[] PixelSpacing,
    string Echo, string Acquisition, double? Slope, double? Intercept)
{
    /// <summary>Finds the item (or dataset) holding an attribute: the macro sequence's first item, or null.</summary>
    private delegate DicomDataset? Locate(DicomTag sequence, DicomTag attribute);

    /// <summary>The facts of every frame of a file, or the name of the first required attribute it lacks.</summary>
    public static (IReadOnlyList<SliceFacts>? Slices, string? Missing) Read(DicomFile file)
    {
        var ds = file.Dataset;
        var frames = (int)Math.Max(1, ds.GetInteger(DicomTags.NumberOfFrames) ?? 1);
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        if (frames == 1 && perFrame is null)
        {
            var (single, missing) = Read(file, 0, (_, _) => ds, fromGroups: false);
            return single is null ? (null, missing) : ([single], null);
        }
        if (perFrame is null || perFrame.Items.Count != frames)
            return (null, "a Per-Frame Functional Groups Sequence (5200,9230) with one item per frame (PS3.3 C.7.6.16)");
        var shared = ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence)?.Items.FirstOrDefault();
        var slices = new List<SliceFacts>(frames);
        for (var f = 0; f < frames; f++)
        {
            var item = perFrame.Items[f];
            // PS3.3 C.7.6.16.1: a functional group sits in the per-frame item or in the shared item, not both.
            var (slice, missing) = Read(file, f, (seq, tag) => Macro(item, seq, tag) ?? Macro(shared, seq, tag) ?? (ds.Contains(tag) ? ds : null), fromGroups: true);
            if (slice is null) return (null, missing);
            slices.Add(slice);
        }
        return (slices, null);
    }

    private static (SliceFacts? Facts, string? Missing) Read(DicomFile file, int frame, Locate at, bool fromGroups)
    {
        var ds = file.Dataset;
        var position = Numbers(at(DicomTags.PlanePositionSequence, DicomTags.ImagePositionPatient), DicomTags.ImagePositionPatient, 3);
        if (position is null) return (null, "Image Position (Patient) (0020,0032)");
        var orientation = Numbers(at(DicomTags.PlaneOrientationSequence, DicomTags.ImageOrientationPatient), DicomTags.ImageOrientationPatient, 6);
        if (orientation is null) return (null, "Image Orientation (Patient) (0020,0037)");
        var spacing = Numbers(at(DicomTags.PixelMeasuresSequence, DicomTags.PixelSpacing), DicomTags.PixelSpacing, 2);
        if (spacing is null || spacing[0] <= 0 || spacing[1] <= 0) return (null, "a positive Pixel Spacing (0028,0030)");
        if (ds.GetInteger(DicomTags.Rows) is not { } rows || rows < 1) return (null, "Rows (0028,0010)");
        if (ds.GetInteger(DicomTags.Columns) is not { } columns || columns < 1) return (null, "Columns (0028,0011)");
        // PS3.3 C.7.6.2.1.1 / C.8.13.5.2: the echo is told apart by Echo Numbers or Echo Time (Effective Echo Time in functional groups).
        var echo = fromGroups
            ? at(DicomTags.MREchoSequence, DicomTags.EffectiveEchoTime)?.GetString(DicomTags.EffectiveEchoTime)?.Trim() ?? ""
            : ds.GetString(DicomTags.EchoNumbers)?.Trim() ?? ds.GetString(DicomTags.EchoTime)?.Trim() ?? "";
        var acquisition = ds.GetString(DicomTags.AcquisitionNumber)?.Trim() ?? "";
        double? slope = null, intercept = null;
        if (fromGroups && at(DicomTags.PixelValueTransformationSequence, DicomTags.RescaleSlope) is { } transform)
        {
            slope = transform.GetNumber(DicomTags.RescaleSlope);
            intercept = transform.GetNumber(DicomTags.RescaleIntercept);
        }
        return (new SliceFacts(file, frame, (int)rows, (int)columns, position, orientation, spacing, echo, acquisition, slope, intercept), null);
    }

    /// <summary>Row direction cosines (the first three values of IOP).</summary>
    public double[] RowCosines => Orientation[..3];

    /// <summary>Column direction cosines (the last three values of IOP).</summary>
    public double[] ColumnCosines => Orientation[3..];

    private static DicomDataset? Macro(DicomDataset? item, DicomTag sequence, DicomTag attribute) =>
        item?.GetSequence(sequence)?.Items.FirstOrDefault() is { } macro && macro.Contains(attribute) ? macro : null;

    private static double[]? Numbers(DicomDataset? ds, DicomTag tag, int count)
    {
        if (ds is null) return null;
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (ds.GetNumber(tag, i) is not { } v || !double.IsFinite(v)) return null;
            values[i] = v;
        }
        return values;
    }
}
