using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Dicom;
using DataForge.Imaging.Raster;

namespace DataForge.Stages.ImageSources;

/// <summary>
/// A floating-point image of an image source (32 or 64-bit float TIFF: quantitative maps, microscopy measurements) as a
/// DICOM Parametric Map instance (PS3.3 A.75), the IOD whose pixels may be IEEE floats: Float Pixel Data (7FE0,0008) or
/// Double Float Pixel Data (7FE0,0009) hold the file's samples bit for bit, each TIFF page a frame. A Secondary Capture
/// holds integers only, and rescaling floats into integers would lose the values a quantitative user measures.
/// Patient, study and series are those of the Secondary Capture form (<see cref="SecondaryCapture.Identity"/>); the
/// enhanced modules the IOD requires are filled with what is known and nothing invented beyond what conformance forces:
/// DataForge as the equipment that made the instance, an identity Real World Value Mapping with unit "no units" (UCUM 1)
/// over the image's value range (the file says nothing of its units), a plane in the patient's axes at the origin, and
/// an anatomic region of "Entire body" (the file says nothing of anatomy; Frame Anatomy is mandatory). Content Date and
/// Time (Type 1) come from the sidecar's Content or Study Date and Time, else 19000101 000000: values the de-identifier
/// replaces or shifts like every date. Checked with dciodvfy.
/// </summary>
public static class ParametricMap
{
    /// <summary>Parametric Map Storage (PS3.4 B.5).</summary>
    public const string SopClass = "1.2.840.10008.5.1.4.1.1.30";

    // Image Type and Frame Type (C.8.32.3.1, C.8.16.1): derived, primary, a static image (flavor), no derived contrast.
    private static readonly string[] ImageType = ["DERIVED", "PRIMARY", "STATIC", "NONE"];

    /// <summary>Builds the instance; see <see cref="SecondaryCapture.Build"/> for the sidecar callbacks.</summary>
    public static DicomFile Build(RasterImage image, ImageFacts facts, ImageSidecar? sidecar, string sourceId, string stem,
        Action<string, JsonNode?> leftOut, Action<string, JsonNode?> mapped)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(facts);
        if (!image.Float || image.SamplesPerPixel != 1 || image.BitsAllocated is not (32 or 64))
            throw new ArgumentException("a Parametric Map is built from 32 or 64-bit floating-point grey samples", nameof(image));
        var ds = new DicomDataset();
        SecondaryCapture.Identity(ds, facts, sourceId, stem);
        if (sidecar is not null) SecondaryCapture.Sidecar(ds, sidecar, leftOut, mapped);
        var studyKey = facts.Subject + "\0" + (facts.Session ?? "") + "\0" + (facts.Study ?? "");

        // Parametric Map Series (C.8.32.1), Frame of Reference (C.7.4.1), Enhanced General Equipment (C.7.5.2).
        if (string.IsNullOrEmpty(ds.GetString(DicomTags.SeriesNumber))) ds.Add(DicomTags.SeriesNumber, "1");
        ds.Add(DicomTags.FrameOfReferenceUID, SecondaryCapture.HashUid("image-frame-of-reference\0" + studyKey));
        ds.Add(DicomTags.PositionReferenceIndicator, DicomVR.LO, Array.Empty<string>());
        if (string.IsNullOrEmpty(ds.GetString(DicomTags.Manufacturer))) ds.Add(DicomTags.Manufacturer, "DataForge");
        ds.Add(DicomTags.ManufacturerModelName, "DataForge image sources");
        ds.Add(DicomTags.DeviceSerialNumber, "0");
        ds.Add(DicomTags.SoftwareVersions, $"{ImageSourceStage.Id} {ImageSourceStage.Version}");

        // Parametric Map Image (C.8.32.2) and Multi-frame Functional Groups (C.7.6.16).
        ds.Add(DicomTags.ImageType, ImageType);
        ds.Add(DicomTags.ContentQualification, "RESEARCH");
        // Type 1; a floating-point measurement map is not a photograph of a face.
        ds.Add(DicomTags.RecognizableVisualFeatures, "NO");
        ds.Add(DicomTags.ContentLabel, "IMAGE");
        ds.Add(DicomTags.ContentDescription, DicomVR.LO, Array.Empty<string>());
        ds.Add(DicomTags.ContentCreatorName, DicomVR.PN, Array.Empty<string>());
        ds.Add(DicomTags.PresentationLUTShape, "IDENTITY");
        ds.Add(DicomTags.BurnedInAnnotation, "NO");
        ds.Add(DicomTags.LossyImageCompression, "00");
        var date = First(ds, DicomTags.ContentDate, DicomTags.StudyDate) ?? "19000101";
        var time = First(ds, DicomTags.ContentTime, DicomTags.StudyTime) ?? "000000";
        ds.Add(DicomTags.ContentDate, date);
        ds.Add(DicomTags.ContentTime, time);
        ds.Add(DicomTags.NumberOfFrames, image.Frames.Count.ToString(CultureInfo.InvariantCulture));
        ds.Add(DicomTags.AcquisitionContextSequence, Array.Empty<DicomDataset>());

        // Image Pixel (C.7.6.3) and (Double) Floating Point Image Pixel (C.7.6.24, C.7.6.25).
        ds.Add(DicomTags.SamplesPerPixel, (ushort)1);
        ds.Add(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.Add(DicomTags.Rows, (ushort)image.Height);
        ds.Add(DicomTags.Columns, (ushort)image.Width);
        ds.Add(DicomTags.BitsAllocated, (ushort)image.BitsAllocated);
        var all = new byte[image.FrameLength * image.Frames.Count];
        for (var f = 0; f < image.Frames.Count; f++) image.Frames[f].CopyTo(all, f * image.FrameLength);
        ds.Add(image.BitsAllocated == 32 ? DicomTags.FloatPixelData : DicomTags.DoubleFloatPixelData, image.BitsAllocated == 32 ? DicomVR.OF : DicomVR.OD, all);

        // Multi-frame Dimension (C.7.6.17): the frames are a stack, indexed by In-Stack Position Number.
        var organization = SecondaryCapture.HashUid("image-dimensions\0" + studyKey + "\0" + sourceId + "\0" + stem);
        ds.Add(DicomTags.DimensionOrganizationSequence, new DicomDataset().Add(DicomTags.DimensionOrganizationUID, organization));
        ds.Add(DicomTags.DimensionIndexSequence, new DicomDataset()
            .Add(DicomTags.DimensionOrganizationUID, organization)
            .Add(DicomTags.DimensionIndexPointer, DicomTags.InStackPositionNumber)
            .Add(DicomTags.FunctionalGroupPointer, DicomTags.FrameContentSequence));

        var (low, high) = Range(image);
        ds.Add(DicomTags.SharedFunctionalGroupsSequence, Shared(facts, low, high));
        ds.Add(DicomTags.PerFrameFunctionalGroupsSequence, Enumerable.Range(1, image.Frames.Count).Select(PerFrame).ToArray());
        return DicomFile.Create(ds, SopClass, SecondaryCapture.InstanceUid(sourceId, stem, facts.Id));
    }

    // The functional groups every frame shares (PS3.3 A.75.3.x / C.7.6.16.2).
    private static DicomDataset Shared(ImageFacts facts, double low, double high)
    {
        var shared = new DicomDataset();
        var measures = new DicomDataset();
        if (facts.PixelSpacing is { } spacing) measures.Add(DicomTags.PixelSpacing, spacing.Select(SecondaryCapture.Decimal).ToArray());
        measures.Add(DicomTags.SliceThickness, "1");
        shared.Add(DicomTags.PixelMeasuresSequence, measures);
        shared.Add(DicomTags.PlaneOrientationSequence, new DicomDataset().Add(DicomTags.ImageOrientationPatient, "1", "0", "0", "0", "1", "0"));
        shared.Add(DicomTags.PlanePositionSequence, new DicomDataset().Add(DicomTags.ImagePositionPatient, "0", "0", "0"));
        shared.Add(DicomTags.FrameAnatomySequence, new DicomDataset()
            .Add(DicomTags.AnatomicRegionSequence, Code("38266002", "SCT", "Entire body"))
            .Add(DicomTags.FrameLaterality, facts.Laterality ?? "U"));
        shared.Add(DicomTags.RealWorldValueMappingSequence, new DicomDataset()
            .Add(DicomTags.DoubleFloatRealWorldValueFirstValueMapped, low)
            .Add(DicomTags.DoubleFloatRealWorldValueLastValueMapped, high)
            .Add(DicomTags.RealWorldValueIntercept, 0.0)
            .Add(DicomTags.RealWorldValueSlope, 1.0)
            .Add(DicomTags.LUTExplanation, "stored values")
            .Add(DicomTags.LUTLabel, "IDENTITY")
            .Add(DicomTags.MeasurementUnitsCodeSequence, Code("1", "UCUM", "no units")));
        shared.Add(DicomTags.ParametricMapFrameTypeSequence, new DicomDataset().Add(DicomTags.FrameType, ImageType));
        // Identity Pixel Value Transformation (C.7.6.16.2.9b): the stored floats are the values.
        shared.Add(DicomTags.PixelValueTransformationSequence, new DicomDataset()
            .Add(DicomTags.RescaleIntercept, "0").Add(DicomTags.RescaleSlope, "1").Add(DicomTags.RescaleType, "US"));
        return shared;
    }

    private static DicomDataset PerFrame(int frame)
    {
        var n = (uint)frame;
        return new DicomDataset().Add(DicomTags.FrameContentSequence, new DicomDataset()
            .Add(DicomTags.DimensionIndexValues, n)
            .Add(DicomTags.StackID, "1")
            .Add(DicomTags.InStackPositionNumber, n));
    }

    private static DicomDataset Code(string value, string scheme, string meaning) => new DicomDataset()
        .Add(DicomTags.CodeValue, value).Add(DicomTags.CodingSchemeDesignator, scheme).Add(DicomTags.CodeMeaning, meaning);

    // The smallest and largest finite values of every frame (0 and 0 when none is finite).
    private static (double Low, double High) Range(RasterImage image)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (var frame in image.Frames)
            for (var at = 0; at < frame.Length; at += image.BitsAllocated / 8)
            {
                var v = image.BitsAllocated == 32 ? BitConverter.ToSingle(frame, at) : BitConverter.ToDouble(frame, at);
                if (!double.IsFinite(v)) continue;
                low = Math.Min(low, v);
                high = Math.Max(high, v);
            }
        return double.IsFinite(low) ? (low, high) : (0, 0);
    }

    private static string? First(DicomDataset ds, params DicomTag[] tags) =>
        tags.Select(t => ds.GetString(t)?.Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
