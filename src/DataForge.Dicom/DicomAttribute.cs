namespace DataForge.Dicom;

/// <summary>An entry of a dataset: a data element with a value, a sequence of items, or encapsulated pixel data.</summary>
public abstract class DicomAttribute
{
    private protected DicomAttribute(DicomTag tag, DicomVR vr)
    {
        Tag = tag;
        VR = vr;
    }

    public DicomTag Tag { get; }
    public DicomVR VR { get; }

    /// <summary>Byte offset of the element header in the file it was read from (in the inflated stream when deflated); -1 when built in memory.</summary>
    public long SourceOffset { get; internal set; } = -1;

    public override string ToString() => $"{Tag} {VR}";
}
