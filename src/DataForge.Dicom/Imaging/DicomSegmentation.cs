namespace DataForge.Dicom.Imaging;

/// <summary>
/// A Segmentation IOD instance (PS3.3 A.51, SOP Class 1.2.840.10008.5.1.4.1.1.66.4) read for import: its segments,
/// the geometry and source images of every frame, the series it references, and each frame's pixels as a
/// boolean mask. BINARY frames are 1 bit per pixel, packed across frame boundaries (PS3.5 8.1.1, PS3.3
/// C.8.20.2.1: a frame need not start on a byte); FRACTIONAL frames are 8-bit and a pixel counts as in the segment
/// at half of Maximum Fractional Value or more. Every structural problem is a <see cref="DicomFormatException"/>
/// naming the tag; messages carry no value from the file but numbers and standard UIDs.
/// </summary>
public sealed class DicomSegmentation
{
    /// <summary>Segmentation Storage (PS3.4 B.5).</summary>
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.66.4";

    private readonly DicomPixelData _pixels;

    private DicomSegmentation(DicomPixelData pixels, bool fractional, int maximum, IReadOnlyList<DicomSegment> segments,
        IReadOnlyList<DicomSegmentationFrame> frames, IReadOnlyList<string> referencedSeries)
    {
        _pixels = pixels;
        IsFractional = fractional;
        MaximumFractionalValue = maximum;
        Segments = segments;
        Frames = frames;
        ReferencedSeries = referencedSeries;
    }

    /// <summary>Segmentation Type (0062,0001) is FRACTIONAL (else BINARY).</summary>
    public bool IsFractional { get; }

    /// <summary>Maximum Fractional Value (0062,000E); 1 for BINARY.</summary>
    public int MaximumFractionalValue { get; }

    /// <summary>The Segment Sequence, in file order.</summary>
    public IReadOnlyList<DicomSegment> Segments { get; }

    /// <summary>One entry per frame, in frame order.</summary>
    public IReadOnlyList<DicomSegmentationFrame> Frames { get; }

    /// <summary>Series Instance UIDs of the Referenced Series Sequence (0008,1115) (Common Instance Reference module).</summary>
    public IReadOnlyList<string> ReferencedSeries { get; }

    public int Rows => _pixels.Rows;

    public int Columns => _pixels.Columns;

    /// <summary>True when the file's SOP Class (dataset, else file meta) is Segmentation Storage.</summary>
    public static bool IsSegmentation(DicomFile file) =>
        (file.Dataset.GetString(DicomTags.SOPClassUID) ?? file.Meta.GetString(DicomTags.MediaStorageSOPClassUID)) == SopClassUid;

    /// <summary>Reads the segmentation of a parsed file, checking its structure and the length of its pixel data.</summary>
    public static DicomSegmentation Read(DicomFile file)
    {
        var ds = file.Dataset;
        if (!IsSegmentation(file))
        {
            var sop = ds.GetString(DicomTags.SOPClassUID) ?? "";
            var named = sop.StartsWith("1.2.840.10008.", StringComparison.Ordinal) ? sop : "a non-standard one";
            throw new DicomFormatException($"not a Segmentation Storage instance (SOP Class UID is {named}, not {SopClassUid})", tag: DicomTags.SOPClassUID);
        }
        var type = ds.GetString(DicomTags.SegmentationType);
        if (type is not ("BINARY" or "FRACTIONAL"))
            throw new DicomFormatException("Segmentation Type is neither BINARY nor FRACTIONAL (PS3.3 C.8.20.2)", tag: DicomTags.SegmentationType);
        var fractional = type == "FRACTIONAL";

        DicomPixelData pixels;
        try
        {
            pixels = DicomPixelData.Create(file);
        }
        catch (DicomFormatException e) when (e.Tag == DicomTags.BitsAllocated)
        {
            throw new DicomFormatException($"{type} segmentations have {(fractional ? 8 : 1)} bit(s) per pixel (PS3.3 C.8.20.2): {e.Reason}", tag: DicomTags.BitsAllocated);
        }
        var bits = fractional ? 8 : 1;
        if (pixels.BitsAllocated != bits || pixels.BitsStored != bits)
            throw new DicomFormatException($"{type} segmentations have Bits Allocated and Bits Stored {bits} (PS3.3 C.8.20.2), not {pixels.BitsAllocated} and {pixels.BitsStored}", tag: DicomTags.BitsAllocated);
        if (pixels.SamplesPerPixel != 1)
            throw new DicomFormatException($"a segmentation has 1 sample per pixel, not {pixels.SamplesPerPixel}", tag: DicomTags.SamplesPerPixel);
        if (ds.GetElement(DicomTags.PixelData) is { } native)
        {
            // Native data: the whole length is known up front (frames of 1-bit pixels run on without padding).
            var needed = ((long)pixels.Rows * pixels.Columns * pixels.NumberOfFrames * bits + 7) / 8;
            if (native.Length < needed)
                throw new DicomFormatException($"Pixel Data holds {native.Length} bytes; {pixels.NumberOfFrames} frames of {pixels.Rows}x{pixels.Columns} at {bits} bit(s) need {needed}", tag: DicomTags.PixelData);
        }
        else if (!fractional)
            throw new DicomFormatException("BINARY segmentations are stored native (PS3.3 C.8.20.2.1), not encapsulated", tag: DicomTags.PixelData);

        var maximum = 1;
        if (fractional)
        {
            maximum = (int)(ds.GetInteger(DicomTags.MaximumFractionalValue) ?? 0);
            if (maximum is < 1 or > 255)
                throw new DicomFormatException("FRACTIONAL segmentations need a Maximum Fractional Value from 1 to 255", tag: DicomTags.MaximumFractionalValue);
        }
        var segments = ReadSegments(ds);
        var frames = ReadFrames(ds, pixels.NumberOfFrames, segments);
        return new DicomSegmentation(pixels, fractional, maximum, segments, frames, References(ds).Series);
    }

    /// <summary>
    /// What a segmentation says it was derived from, read without checking anything else: the Series Instance UIDs
    /// of the Referenced Series Sequence (0008,1115) and the SOP Instance UIDs of every frame's source images.
    /// </summary>
    public static (IReadOnlyList<string> Series, IReadOnlyList<string> Instances) References(DicomDataset ds)
    {
        var series = ds.GetSequence(DicomTags.ReferencedSeriesSequence)?.Items
            .Select(i => i.GetString(DicomTags.SeriesInstanceUID)).OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [];
        var instances = (ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence)?.Items ?? [])
            .SelectMany(SourcesOf).Distinct(StringComparer.Ordinal).ToList();
        return (series, instances);
    }

    private static IEnumerable<string> SourcesOf(DicomDataset groups) =>
        (groups.GetSequence(DicomTags.DerivationImageSequence)?.Items ?? [])
            .SelectMany(d => d.GetSequence(DicomTags.SourceImageSequence)?.Items ?? [])
            .Select(i => i.GetString(DicomTags.ReferencedSOPInstanceUID)).OfType<string>();

    /// <summary>The pixels of a frame (row by row) that belong to its segment.</summary>
    public bool[] FrameMask(int frame)
    {
        long[] values;
        try
        {
            values = _pixels.GetStoredValues(frame);
        }
        catch (NotSupportedException e)
        {
            throw new DicomFormatException(e.Message, tag: DicomTags.PixelData);
        }
        var mask = new bool[values.Length];
        for (var i = 0; i < values.Length; i++)
            mask[i] = IsFractional ? values[i] > 0 && values[i] * 2 >= MaximumFractionalValue : values[i] != 0;
        return mask;
    }

    private static List<DicomSegment> ReadSegments(DicomDataset ds)
    {
        if (ds.GetSequence(DicomTags.SegmentSequence)?.Items is not { Count: > 0 } items)
            throw new DicomFormatException("the Segment Sequence is missing or empty (PS3.3 C.8.20.2)", tag: DicomTags.SegmentSequence);
        var segments = new List<DicomSegment>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.GetInteger(DicomTags.SegmentNumber) is not { } number || number is < 1 or > 65535)
                throw new DicomFormatException($"Segment Sequence item {i + 1} has no Segment Number from 1 to 65535", tag: DicomTags.SegmentNumber);
            if (segments.Any(s => s.Number == number))
                throw new DicomFormatException($"Segment Number {number} is given twice in the Segment Sequence", tag: DicomTags.SegmentNumber);
            segments.Add(new DicomSegment((int)number, item.GetString(DicomTags.SegmentLabel) ?? "",
                DicomCode.From(item, DicomTags.SegmentedPropertyCategoryCodeSequence), DicomCode.From(item, DicomTags.SegmentedPropertyTypeCodeSequence)));
        }
        return segments;
    }

    private static List<DicomSegmentationFrame> ReadFrames(DicomDataset ds, int count, IReadOnlyList<DicomSegment> segments)
    {
        var shared = ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence)?.Items is [var s, ..] ? s : null;
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence)?.Items ?? [];
        if (perFrame.Count != count)
            throw new DicomFormatException($"the Per-Frame Functional Groups Sequence has {perFrame.Count} items for {count} frames (PS3.3 C.7.6.16)",
                tag: DicomTags.PerFrameFunctionalGroupsSequence);
        var frames = new List<DicomSegmentationFrame>(count);
        for (var f = 0; f < count; f++)
        {
            var groups = perFrame[f];
            var number = Macro(groups, shared, DicomTags.SegmentIdentificationSequence)?.GetInteger(DicomTags.ReferencedSegmentNumber);
            if (number is null)
                throw new DicomFormatException($"frame {f + 1} names no segment (Segment Identification Sequence, PS3.3 C.8.20.3.1)", tag: DicomTags.ReferencedSegmentNumber);
            if (!segments.Any(x => x.Number == number))
                throw new DicomFormatException($"frame {f + 1} names segment {number}, which the Segment Sequence does not define", tag: DicomTags.ReferencedSegmentNumber);
            var sources = SourcesOf(groups).ToList();
            frames.Add(new DicomSegmentationFrame(f, (int)number,
                Numbers(Macro(groups, shared, DicomTags.PlanePositionSequence), DicomTags.ImagePositionPatient, 3),
                Numbers(Macro(groups, shared, DicomTags.PlaneOrientationSequence), DicomTags.ImageOrientationPatient, 6),
                Numbers(Macro(groups, shared, DicomTags.PixelMeasuresSequence), DicomTags.PixelSpacing, 2),
                sources));
        }
        return frames;
    }

    /// <summary>A functional group macro's item: the frame's own, else the shared one (PS3.3 C.7.6.16.1).</summary>
    private static DicomDataset? Macro(DicomDataset frame, DicomDataset? shared, DicomTag sequence) =>
        frame.GetSequence(sequence)?.Items is [var own, ..] ? own
        : shared?.GetSequence(sequence)?.Items is [var common, ..] ? common : null;

    private static double[]? Numbers(DicomDataset? item, DicomTag tag, int count)
    {
        if (item is null) return null;
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (item.GetNumber(tag, i) is not { } v || !double.IsFinite(v)) return null;
            values[i] = v;
        }
        return values;
    }
}
