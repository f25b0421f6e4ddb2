using System.Text.Json.Nodes;
using DataForge.Dicom;

namespace DataForge.Stages.Volumes;

/// <summary>
/// The acquisition parameters a volume's BIDS-style sidecar (and a PNG's sidecar) carries, named as dcm2niix names them in its
/// BIDS sidecars (<c>dcm2niix -b y</c>), read from a de-identified instance (so only what the policy kept).
/// Only scanner and sequence parameters are listed: no UIDs, dates, times, names, descriptions or other
/// free text, so no identifier reaches a sidecar even when the policy keeps it in the instances.
/// </summary>
public static class AcquisitionFields
{
    /// <summary>How a DICOM value becomes a sidecar value.</summary>
    public enum Conversion
    {
        /// <summary>The text value, multiple values joined with a backslash as in DICOM (dcm2niix writes ScanOptions as FS\\SAT in JSON).</summary>
        Text,

        /// <summary>A JSON number.</summary>
        Number,

        /// <summary>Milliseconds (DICOM) to seconds (BIDS).</summary>
        MillisecondsToSeconds,

        /// <summary>A JSON array of the text values.</summary>
        TextArray,

        /// <summary>A JSON array of the numbers.</summary>
        NumberArray,
    }

    /// <summary>Sidecar key, DICOM attribute and conversion; dcm2niix's key where it writes one, else the DICOM keyword.</summary>
    public static IReadOnlyList<(string Key, DicomTag Tag, Conversion Conversion)> Table { get; } =
    [
        ("Modality", DicomTags.Modality, Conversion.Text),
        ("Manufacturer", DicomTags.Manufacturer, Conversion.Text),
        ("ManufacturersModelName", DicomTags.ManufacturerModelName, Conversion.Text),
        ("MagneticFieldStrength", DicomTags.MagneticFieldStrength, Conversion.Number),
        ("ImagingFrequency", DicomTags.ImagingFrequency, Conversion.Number),
        ("BodyPartExamined", DicomTags.BodyPartExamined, Conversion.Text),
        ("PatientPosition", DicomTags.PatientPosition, Conversion.Text),
        ("SeriesNumber", DicomTags.SeriesNumber, Conversion.Number),
        ("AcquisitionNumber", DicomTags.AcquisitionNumber, Conversion.Number),
        ("SoftwareVersions", DicomTags.SoftwareVersions, Conversion.Text),
        ("MRAcquisitionType", DicomTags.MRAcquisitionType, Conversion.Text),
        ("ScanningSequence", DicomTags.ScanningSequence, Conversion.Text),
        ("SequenceVariant", DicomTags.SequenceVariant, Conversion.Text),
        ("ScanOptions", DicomTags.ScanOptions, Conversion.Text),
        ("ImageType", DicomTags.ImageType, Conversion.TextArray),
        ("SliceThickness", DicomTags.SliceThickness, Conversion.Number),
        ("SpacingBetweenSlices", DicomTags.SpacingBetweenSlices, Conversion.Number),
        ("EchoTime", DicomTags.EchoTime, Conversion.MillisecondsToSeconds),
        ("RepetitionTime", DicomTags.RepetitionTime, Conversion.MillisecondsToSeconds),
        ("InversionTime", DicomTags.InversionTime, Conversion.MillisecondsToSeconds),
        ("FlipAngle", DicomTags.FlipAngle, Conversion.Number),
        ("EchoNumber", DicomTags.EchoNumbers, Conversion.Number),
        ("NumberOfAverages", DicomTags.NumberOfAverages, Conversion.Number),
        ("PercentPhaseFOV", DicomTags.PercentPhaseFieldOfView, Conversion.Number),
        ("PercentSampling", DicomTags.PercentSampling, Conversion.Number),
        ("PhaseEncodingSteps", DicomTags.NumberOfPhaseEncodingSteps, Conversion.Number),
        ("InPlanePhaseEncodingDirectionDICOM", DicomTags.InPlanePhaseEncodingDirection, Conversion.Text),
        ("ReceiveCoilName", DicomTags.ReceiveCoilName, Conversion.Text),
        ("SAR", DicomTags.SAR, Conversion.Number),
        ("EchoTrainLength", DicomTags.EchoTrainLength, Conversion.Number),
        ("PixelBandwidth", DicomTags.PixelBandwidth, Conversion.Number),
        ("ConvolutionKernel", DicomTags.ConvolutionKernel, Conversion.Text),
        ("KVP", DicomTags.KVP, Conversion.Number),
        ("XRayTubeCurrent", DicomTags.XRayTubeCurrent, Conversion.Number),
        ("ExposureTime", DicomTags.ExposureTime, Conversion.MillisecondsToSeconds),
        ("XRayExposure", DicomTags.Exposure, Conversion.Number),
        ("ReconstructionDiameter", DicomTags.ReconstructionDiameter, Conversion.Number),
        ("PixelSpacing", DicomTags.PixelSpacing, Conversion.NumberArray),
        ("ImageOrientationPatientDICOM", DicomTags.ImageOrientationPatient, Conversion.NumberArray),
        // Projection radiography (the PNG sidecars of CR, DX, MG...): no dcm2niix name, so the DICOM keyword.
        ("ViewPosition", DicomTags.ViewPosition, Conversion.Text),
        ("ImageLaterality", DicomTags.ImageLaterality, Conversion.Text),
        ("ImagerPixelSpacing", DicomTags.ImagerPixelSpacing, Conversion.NumberArray),
        ("DistanceSourceToDetector", DicomTags.DistanceSourceToDetector, Conversion.Number),
        ("DistanceSourceToPatient", DicomTags.DistanceSourceToPatient, Conversion.Number),
        ("EstimatedRadiographicMagnificationFactor", DicomTags.EstimatedRadiographicMagnificationFactor, Conversion.Number),
        ("ExposureInuAs", DicomTags.ExposureInuAs, Conversion.Number),
    ];

    /// <summary>The fields present in <paramref name="dataset"/>, in table order; empty values are left out.</summary>
    public static JsonObject Read(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var fields = new JsonObject();
        foreach (var (key, tag, conversion) in Table)
        {
            if (!dataset.Contains(tag)) continue;
            JsonNode? value = conversion switch
            {
                Conversion.Number => dataset.GetNumber(tag) is { } n && double.IsFinite(n) ? JsonValue.Create(n) : null,
                Conversion.MillisecondsToSeconds => dataset.GetNumber(tag) is { } ms && double.IsFinite(ms) ? JsonValue.Create(ms / 1000) : null,
                Conversion.NumberArray => NumbersOf(dataset, tag) is { Length: > 0 } ns && ns.All(double.IsFinite)
                    ? new JsonArray(ns.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()) : null,
                Conversion.TextArray => Strings(dataset, tag) is { Count: > 0 } ts ? new JsonArray(ts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()) : null,
                _ => Strings(dataset, tag) is { Count: > 0 } ts ? JsonValue.Create(string.Join('\\', ts)) : null,
            };
            if (value is not null) fields[key] = value;
        }
        return fields;
    }

    /// <summary>Every value of a DS/IS (or binary) element as numbers; NaN for a value that is not one.</summary>
    private static double[] NumbersOf(DicomDataset dataset, DicomTag tag)
    {
        var binary = dataset.GetNumbers(tag);
        if (binary.Length > 0) return binary;
        return dataset.GetStrings(tag).Select(v => double.TryParse(v, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : double.NaN).ToArray();
    }

    private static List<string> Strings(DicomDataset dataset, DicomTag tag) =>
        dataset.GetStrings(tag).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
}
