using DataForge.Dicom.Dictionary;

namespace DataForge.Stages.Deidentify.Nifti;

/// <summary>
/// The vocabulary of JSON sidecars (BIDS, dcm2niix): which keys are DICOM attributes under another name,
/// and which keys are acquisition parameters that are kept.
/// </summary>
public static class SidecarKeys
{
    /// <summary>dcm2niix's names for DICOM attributes whose keyword differs (its nii_dicom_batch.cpp JSON writer).</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ManufacturersModelName"] = "ManufacturerModelName",
        ["ProcedureStepDescription"] = "PerformedProcedureStepDescription",
        ["ImageOrientationPatientDICOM"] = "ImageOrientationPatient",
        ["InPlanePhaseEncodingDirectionDICOM"] = "InPlanePhaseEncodingDirection",
        ["BodyPart"] = "BodyPartExamined",
    };

    /// <summary>
    /// Attributes that identify a device rather than a person; the table does not list the first two, so like
    /// Station Name and Device Serial Number they are kept only under retain-device-identity.
    /// </summary>
    public static IReadOnlySet<string> DeviceIdentity { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ManufacturerModelName", "SoftwareVersions",
    };

    /// <summary>
    /// Acquisition parameters kept with their values (strings in them are still scrubbed): BIDS's common MRI
    /// metadata ("Scanner hardware" without the device's identity, "Sequence specifics", "In-plane spatial
    /// encoding", "Timing parameters", "RF &amp; contrast", "Slice acceleration"), its PET metadata (tracer,
    /// injection amounts, reconstruction, frame timing relative to time zero), CT parameters, and dcm2niix's own
    /// acquisition keys. None of them is a date, a time of day, a name, an ID or free text about the patient.
    /// Keys that are DICOM keywords get the table's action first; this list decides only for keys it does not list.
    /// </summary>
    public static IReadOnlySet<string> AllowList { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // Common
        "Modality", "Manufacturer", "ConversionSoftware", "ConversionSoftwareVersion", "ImageType", "ImageTypeText", "RawImage",
        "SeriesNumber", "AcquisitionNumber", "BodyPartExamined", "PatientPosition", "SliceThickness", "SpacingBetweenSlices",
        "ImageOrientationText", "ReconMatrixPE", "AcquisitionMatrixPE", "BaseResolution", "PixelSpacing",
        // MRI: scanner hardware (device identity excluded)
        "MagneticFieldStrength", "ReceiveCoilName", "ReceiveCoilActiveElements", "GradientSetType", "MRTransmitCoilSequence",
        "MatrixCoilMode", "CoilCombinationMethod", "CoilString", "ImagingFrequency",
        // MRI: sequence specifics
        "PulseSequenceType", "ScanningSequence", "SequenceVariant", "ScanOptions", "SequenceName", "PulseSequenceDetails",
        "NonlinearGradientCorrection", "MRAcquisitionType", "MTState", "MTOffsetFrequency", "MTPulseBandwidth", "MTNumberOfPulses",
        "MTPulseShape", "MTPulseDuration", "SpoilingState", "SpoilingType", "SpoilingRFPhaseIncrement", "SpoilingGradientMoment",
        "SpoilingGradientDuration", "EchoTrainLength", "EchoNumber", "PhaseEncodingSteps", "PercentPhaseFOV", "PercentSampling",
        "PixelBandwidth", "ShimSetting", "TxRefAmp", "SAR", "PhaseResolution", "DiffusionScheme",
        // MRI: in-plane spatial encoding
        "NumberShots", "ParallelReductionFactorInPlane", "ParallelReductionFactorOutOfPlane", "ParallelAcquisitionTechnique",
        "PartialFourier", "PartialFourierDirection", "PhaseEncodingDirection", "EffectiveEchoSpacing", "TotalReadoutTime",
        "MixingTime", "BandwidthPerPixelPhaseEncode", "DerivedVendorReportedEchoSpacing", "InPlanePhaseEncodingDirection",
        // MRI: timing parameters
        "EchoTime", "InversionTime", "SliceTiming", "SliceEncodingDirection", "DwellTime", "RepetitionTime", "RepetitionTimeExcitation",
        "RepetitionTimePreparation", "VolumeTiming", "DelayTime", "AcquisitionDuration", "DelayAfterTrigger",
        "NumberOfVolumesDiscardedByScanner", "NumberOfVolumesDiscardedByUser", "MultibandAccelerationFactor", "FlipAngle",
        "NegativeContrast", "EchoTime1", "EchoTime2",
        // CT
        "KVP", "XRayTubeCurrent", "XRayExposure", "ExposureTime", "Exposure", "ConvolutionKernel", "ReconstructionDiameter",
        "DataCollectionDiameter", "SpiralPitchFactor", "TableSpeed", "TableFeedPerRotation", "GantryDetectorTilt", "CTDIvol",
        "SingleCollimationWidth", "TotalCollimationWidth", "ExposureModulationType", "FilterType", "FocalSpots",
        // PET
        "TracerName", "TracerRadionuclide", "InjectedRadioactivity", "InjectedRadioactivityUnits", "InjectedMass", "InjectedMassUnits",
        "SpecificRadioactivity", "SpecificRadioactivityUnits", "ModeOfAdministration", "Units", "FrameTimesStart", "FrameDuration",
        "ScanStart", "InjectionStart", "InjectionEnd", "ReconMethodName", "ReconMethodParameterLabels", "ReconMethodParameterUnits",
        "ReconMethodParameterValues", "ReconFilterType", "ReconFilterSize", "AttenuationCorrection", "DecayCorrectionFactor",
        "ImageDecayCorrected", "ImageDecayCorrectionTime",
    };

    /// <summary>The dictionary entry a key names (directly or through an alias), or null.</summary>
    public static DicomDictionaryEntry? EntryOf(string key) =>
        DicomDictionary.Standard.Find(Aliases.GetValueOrDefault(key, key)) is { IsRepeating: false } entry ? entry : null;

    /// <summary>True when a key's name is vocabulary (a DICOM keyword, an alias or allow-listed) and may appear in a report.</summary>
    public static bool IsVocabulary(string key) => EntryOf(key) is not null || AllowList.Contains(key);
}
