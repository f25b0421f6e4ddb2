namespace DataForge.Dicom.Tests;

/// <summary>Small synthetic datasets that exercise every kind of element the writer must handle.</summary>
public static class SyntheticDatasets
{
    public const string SecondaryCaptureSopClass = "1.2.840.10008.5.1.4.1.1.7";

    /// <summary>A 4x3 16-bit image with strings, numbers, a nested sequence and a private block.</summary>
    public static DicomDataset Image(string charset = "ISO_IR 192")
    {
        var ds = new DicomDataset();
        ds.Add(DicomTags.SpecificCharacterSet, charset);
        ds.Add(DicomTags.ImageType, "DERIVED", "SECONDARY");
        ds.Add(DicomTags.Modality, "OT");
        ds.Add(DicomTags.PatientName, charset == "ISO_IR 192" ? "Müller^Jürgen" : "Doe^John");
        ds.Add(DicomTags.PatientID, "SYN001");
        ds.Add(DicomTags.StudyInstanceUID, "1.2.826.0.1.3680043.10.1.1");
        ds.Add(DicomTags.SeriesInstanceUID, "1.2.826.0.1.3680043.10.1.2");
        ds.Add(DicomTags.PixelSpacing, "0.5", "0.5");
        ds.Add(DicomTags.Rows, (ushort)3);
        ds.Add(DicomTags.Columns, (ushort)4);
        ds.Add(DicomTags.SamplesPerPixel, (ushort)1);
        ds.Add(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.Add(DicomTags.BitsAllocated, (ushort)16);
        ds.Add(DicomTags.BitsStored, (ushort)12);
        ds.Add(DicomTags.HighBit, (ushort)11);
        ds.Add(DicomTags.PixelRepresentation, (ushort)0);
        ds.Add(DicomTags.RescaleSlope, "2");
        ds.Add(DicomTags.RescaleIntercept, "-1024");
        ds.Add(DicomTags.FrameTime, 33.5);
        ds.Add(DicomTags.ReferencedFrameNumber, "1");
        ds.Add(DicomTags.ImagePositionPatient, "-10.5", "20", "30.25");
        ds.Add(new DicomTag(0x0018, 0x9087), 1000.0);            // Diffusion b-value, FD
        ds.Add(new DicomTag(0x0028, 0x0106), (ushort)0);          // Smallest Image Pixel Value, US or SS
        var code = new DicomDataset()
            .Add(DicomTags.CodeValue, "T-D1100")
            .Add(DicomTags.CodingSchemeDesignator, "SRT")
            .Add(DicomTags.CodeMeaning, "Head");
        var inner = new DicomDataset().Add(DicomTags.ReferencedSOPInstanceUID, "1.2.3.4");
        ds.Add(DicomTags.AnatomicRegionSequence, code);
        ds.Add(DicomTags.ReferencedImageSequence, new DicomDataset()
            .Add(DicomTags.ReferencedSOPClassUID, SecondaryCaptureSopClass)
            .Add(DicomTags.ReferencedSOPInstanceUID, "1.2.3")
            .Add(DicomTags.PurposeOfReferenceCodeSequence, code.Clone(), inner));
        var tag = ds.PrivateTag(0x0029, "DATAFORGE TEST", 0x10);
        ds.Add(tag, DicomVR.LO, "private value");
        ds.Add(ds.PrivateTag(0x0029, "DATAFORGE TEST", 0x11), DicomVR.UL, [1, 0, 0, 0]);
        var pixels = new byte[3 * 4 * 2];
        for (var i = 0; i < 12; i++) BitConverter.TryWriteBytes(pixels.AsSpan(i * 2), (ushort)(i * 100));
        ds.Add(DicomTags.PixelData, DicomVR.OW, pixels);
        return ds;
    }
}
