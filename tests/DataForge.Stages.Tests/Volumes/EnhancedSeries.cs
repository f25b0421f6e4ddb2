using DataForge.Dicom;
using DataForge.Synth;

namespace DataForge.Stages.Tests.Volumes;

/// <summary>
/// Turns a synthetic single-frame series into one Enhanced MR Image instance (PS3.3 A.36.2): pixel
/// spacing and orientation in the shared functional groups, one Plane Position per frame, frames
/// written in reverse order so that sorting is exercised.
/// </summary>
internal static class EnhancedSeries
{
    public const string EnhancedMrImageStorage = "1.2.840.10008.5.1.4.1.1.4.1";

    public static DicomFile From(IReadOnlyList<DicomFile> slices)
    {
        var ordered = slices.OrderByDescending(s => s.Dataset.GetInteger(DicomTags.InstanceNumber)).ToList();
        var ds = ordered[0].Dataset.Clone();
        var shared = new DicomDataset();
        shared.Add(DicomTags.PixelMeasuresSequence, new DicomDataset()
            .Add(DicomTags.PixelSpacing, ds.GetStrings(DicomTags.PixelSpacing).ToArray())
            .Add(DicomTags.SliceThickness, ds.GetString(DicomTags.SliceThickness) ?? "1"));
        shared.Add(DicomTags.PlaneOrientationSequence, new DicomDataset()
            .Add(DicomTags.ImageOrientationPatient, ds.GetStrings(DicomTags.ImageOrientationPatient).ToArray()));
        var perFrame = new List<DicomDataset>();
        var pixels = new MemoryStream();
        for (var f = 0; f < ordered.Count; f++)
        {
            var source = ordered[f].Dataset;
            var stack = (int)source.GetInteger(DicomTags.InstanceNumber)!.Value;
            perFrame.Add(new DicomDataset()
                .Add(DicomTags.FrameContentSequence, new DicomDataset()
                    .Add(DicomTags.StackID, "1")
                    .Add(DicomTags.InStackPositionNumber, (uint)stack)
                    .Add(DicomTags.DimensionIndexValues, 1u, (uint)stack))
                .Add(DicomTags.PlanePositionSequence, new DicomDataset()
                    .Add(DicomTags.ImagePositionPatient, source.GetStrings(DicomTags.ImagePositionPatient).ToArray())));
            pixels.Write(source.GetElement(DicomTags.PixelData)!.Span);
        }
        foreach (var tag in new[] { DicomTags.ImagePositionPatient, DicomTags.ImageOrientationPatient, DicomTags.PixelSpacing,
                     DicomTags.SliceThickness, DicomTags.InstanceNumber, DicomTags.SliceLocation })
            ds.Remove(tag);
        ds.Add(DicomTags.SOPClassUID, EnhancedMrImageStorage);
        ds.Add(DicomTags.NumberOfFrames, ordered.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ds.Add(DicomTags.SharedFunctionalGroupsSequence, shared);
        ds.Add(DicomTags.PerFrameFunctionalGroupsSequence, perFrame.ToArray());
        ds.Add(DicomTags.PixelData, DicomVR.OW, pixels.ToArray());
        return DicomFile.Create(ds, EnhancedMrImageStorage, ds.GetString(DicomTags.SOPInstanceUID)!.Trim(), SynthWriter.TransferSyntaxes["explicit-le"]);
    }
}
