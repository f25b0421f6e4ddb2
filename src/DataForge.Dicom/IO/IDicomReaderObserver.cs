namespace DataForge.Dicom.IO;

/// <summary>
/// Receives the structure found by <see cref="DicomTokenizer"/>, in file order. Offsets are those of the element or
/// item header. Implementations build datasets, dump text or collect statistics.
/// </summary>
public interface IDicomReaderObserver
{
    /// <summary>
    /// A data element with its value (binary numbers already in little endian order). Read from memory, a large value
    /// may be a slice of the bytes being read rather than a copy.
    /// </summary>
    void OnElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long offset);

    /// <summary>A sequence starts; its items follow, then <see cref="OnEndSequence"/>.</summary>
    void OnBeginSequence(DicomTag tag, DicomVR vr, bool undefinedLength, long offset);

    /// <summary>An item of the current sequence starts.</summary>
    void OnBeginItem(bool undefinedLength, long offset);

    void OnEndItem();

    void OnEndSequence();

    /// <summary>Encapsulated pixel data starts (PS3.5 A.4); fragments follow, the first being the Basic Offset Table.</summary>
    void OnBeginFragments(DicomTag tag, DicomVR vr, long offset);

    void OnFragment(byte[] data, long offset);

    void OnEndFragments();
}
