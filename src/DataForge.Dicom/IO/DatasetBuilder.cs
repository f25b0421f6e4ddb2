namespace DataForge.Dicom.IO;

/// <summary>Builds a <see cref="DicomDataset"/> from tokeniser events.</summary>
internal sealed class DatasetBuilder : IDicomReaderObserver
{
    private readonly Stack<DicomDataset> _datasets = new();
    private readonly Stack<DicomSequence> _sequences = new();
    private DicomFragmentSequence? _fragments;
    private long _fragmentsOffset;
    private bool _offsetTableSeen;

    public DatasetBuilder(DicomDataset root) => _datasets.Push(root);

    private DicomDataset Current => _datasets.Peek();

    public void OnElement(DicomTag tag, DicomVR vr, byte[] value, long offset) =>
        Current.AppendRead(new DicomElement(tag, vr, value) { SourceOffset = offset });

    public void OnBeginSequence(DicomTag tag, DicomVR vr, bool undefinedLength, long offset)
    {
        var seq = new DicomSequence(tag) { UndefinedLength = undefinedLength, SourceOffset = offset };
        Current.AppendRead(seq);
        _sequences.Push(seq);
    }

    public void OnBeginItem(bool undefinedLength, long offset)
    {
        var item = new DicomDataset { UndefinedLength = undefinedLength };
        _sequences.Peek().Add(item);
        _datasets.Push(item);
    }

    public void OnEndItem() => _datasets.Pop();

    public void OnEndSequence() => _sequences.Pop();

    public void OnBeginFragments(DicomTag tag, DicomVR vr, long offset)
    {
        _fragments = null;
        _fragmentsOffset = offset;
        _offsetTableSeen = false;
        _pendingTag = tag;
        _pendingVR = vr;
    }

    private DicomTag _pendingTag;
    private DicomVR _pendingVR = DicomVR.OB;

    public void OnFragment(byte[] data, long offset)
    {
        if (!_offsetTableSeen)
        {
            _fragments = new DicomFragmentSequence(_pendingTag, _pendingVR, data) { SourceOffset = _fragmentsOffset };
            _offsetTableSeen = true;
            return;
        }
        _fragments!.Add(data);
    }

    public void OnEndFragments()
    {
        // PS3.5 A.4: the Basic Offset Table item is always present, possibly empty; tolerate its absence.
        Current.AppendRead(_fragments ?? new DicomFragmentSequence(_pendingTag, _pendingVR, []) { SourceOffset = _fragmentsOffset });
        _fragments = null;
    }
}
