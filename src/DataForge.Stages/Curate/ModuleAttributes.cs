using DataForge.Dicom;

namespace DataForge.Stages.Curate;

/// <summary>
/// The Type 1 and Type 2 attributes of the main image modules, typed as data from DICOM PS3.3 2025a
/// (the edition of ../shared/data/dicom-standard, innolitics/dicom-standard 7f4749d of 2025-01-28, whose
/// extract has no module-to-attribute table). Conditional types (1C, 2C) are left out: their conditions are
/// not data. Module ids are those of modules.json; which modules an IOD requires comes from the standard's
/// data through <see cref="IodModules"/>.
/// </summary>
public static class ModuleAttributes
{
    /// <summary>Module id -> (tag, name, type), with the section of PS3.3 that defines the module.</summary>
    public static IReadOnlyDictionary<string, (string Section, (DicomTag Tag, string Name, int Type)[] Attributes)> Modules { get; } =
        new Dictionary<string, (string, (DicomTag, string, int)[])>(StringComparer.Ordinal)
        {
            ["patient"] = ("C.7.1.1", [
                (DicomTags.PatientName, "Patient's Name", 2), (DicomTags.PatientID, "Patient ID", 2),
                (DicomTags.PatientBirthDate, "Patient's Birth Date", 2), (DicomTags.PatientSex, "Patient's Sex", 2)]),
            ["general-study"] = ("C.7.2.1", [
                (DicomTags.StudyInstanceUID, "Study Instance UID", 1), (DicomTags.StudyDate, "Study Date", 2),
                (DicomTags.StudyTime, "Study Time", 2), (DicomTags.ReferringPhysicianName, "Referring Physician's Name", 2),
                (DicomTags.StudyID, "Study ID", 2), (DicomTags.AccessionNumber, "Accession Number", 2)]),
            ["general-series"] = ("C.7.3.1", [
                (DicomTags.Modality, "Modality", 1), (DicomTags.SeriesInstanceUID, "Series Instance UID", 1),
                (DicomTags.SeriesNumber, "Series Number", 2)]),
            ["frame-of-reference"] = ("C.7.4.1", [
                (DicomTags.FrameOfReferenceUID, "Frame of Reference UID", 1),
                (DicomTags.PositionReferenceIndicator, "Position Reference Indicator", 2)]),
            ["general-equipment"] = ("C.7.5.1", [(DicomTags.Manufacturer, "Manufacturer", 2)]),
            ["general-image"] = ("C.7.6.1", [(DicomTags.InstanceNumber, "Instance Number", 2)]),
            ["image-plane"] = ("C.7.6.2", [
                (DicomTags.PixelSpacing, "Pixel Spacing", 1), (DicomTags.ImageOrientationPatient, "Image Orientation (Patient)", 1),
                (DicomTags.ImagePositionPatient, "Image Position (Patient)", 1), (DicomTags.SliceThickness, "Slice Thickness", 2)]),
            ["image-pixel"] = ("C.7.6.3", [
                (DicomTags.SamplesPerPixel, "Samples per Pixel", 1), (DicomTags.PhotometricInterpretation, "Photometric Interpretation", 1),
                (DicomTags.Rows, "Rows", 1), (DicomTags.Columns, "Columns", 1), (DicomTags.BitsAllocated, "Bits Allocated", 1),
                (DicomTags.BitsStored, "Bits Stored", 1), (DicomTags.HighBit, "High Bit", 1),
                (DicomTags.PixelRepresentation, "Pixel Representation", 1)]),
            ["ct-image"] = ("C.8.2.1", [
                (DicomTags.ImageType, "Image Type", 1), (DicomTags.RescaleIntercept, "Rescale Intercept", 1),
                (DicomTags.RescaleSlope, "Rescale Slope", 1), (DicomTags.KVP, "KVP", 2), (DicomTags.AcquisitionNumber, "Acquisition Number", 2)]),
            ["mr-image"] = ("C.8.3.1", [
                (DicomTags.ImageType, "Image Type", 1), (DicomTags.ScanningSequence, "Scanning Sequence", 1),
                (DicomTags.SequenceVariant, "Sequence Variant", 1), (DicomTags.ScanOptions, "Scan Options", 2),
                (DicomTags.MRAcquisitionType, "MR Acquisition Type", 2), (DicomTags.EchoTime, "Echo Time", 2),
                (DicomTags.EchoTrainLength, "Echo Train Length", 2)]),
            ["sop-common"] = ("C.12.1", [
                (DicomTags.SOPClassUID, "SOP Class UID", 1), (DicomTags.SOPInstanceUID, "SOP Instance UID", 1)]),
        };
}
