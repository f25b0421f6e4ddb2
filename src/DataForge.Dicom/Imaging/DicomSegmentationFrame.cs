namespace DataForge.Dicom.Imaging;

/// <summary>
/// What the functional groups say about one frame of a Segmentation (PS3.3 C.7.6.16, C.8.20.3): the segment it
/// belongs to, its plane (position, orientation and pixel spacing, from the per-frame groups or else the shared
/// ones; null when neither has it) and the source images it was derived from.
/// </summary>
/// <param name="Index">Frame index from 0.</param>
/// <param name="Segment">Referenced Segment Number (0062,000B) of its Segment Identification Sequence.</param>
/// <param name="Position">Image Position (Patient) (0020,0032): x, y, z in LPS mm of the first pixel's centre.</param>
/// <param name="Orientation">Image Orientation (Patient) (0020,0037): row then column direction cosines.</param>
/// <param name="PixelSpacing">Pixel Spacing (0028,0030): between rows, then between columns (mm).</param>
/// <param name="SourceInstances">Referenced SOP Instance UIDs of the Derivation Image Sequence's Source Image Sequence.</param>
public sealed record DicomSegmentationFrame(
    int Index,
    int Segment,
    IReadOnlyList<double>? Position,
    IReadOnlyList<double>? Orientation,
    IReadOnlyList<double>? PixelSpacing,
    IReadOnlyList<string> SourceInstances);
