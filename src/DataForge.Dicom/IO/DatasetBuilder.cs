namespace DataForge.Dicom.IO;

/// <summary>Builds a <see cref="DicomDataset"/> from tokeniser events.</summary>
internal sealed class DatasetBuilder : IDicomReaderObserver
{
    private readonly Stack<DicomDataset> _datasets = new();
    private readonly Stack<DicomSequence> _sequences = new();
    private DicomFragmentSequence? _fragments;
    private long _fragmentsOffset;
    private bool _offsetTableSeen;
    private DicomTag _fragmentsTag;
    private DicomVR _fragmentsVR = DicomVR.OB;

    public DatasetBuilder(DicomDataset root) => _datasets.Push(root);

    private DicomDataset Current => _datasets.Peek();

    /// <summary>The data has implicit VR: VRs came from the dictionary and ambiguous ones are resolved here.</summary>
    public bool ImplicitVR { get; init; }

    public void OnElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long offset)
    {
        if (ImplicitVR && (vr == DicomVR.US || vr == DicomVR.OB)) vr = Resolve(tag, vr);
        Current.AppendRead(new DicomElement(tag, vr, value) { SourceOffset = offset });
    }

    /// <summary>
    /// PS3.5 A.1: in Implicit VR Little Endian, Pixel Data and Overlay Data are OW; "US or SS" attributes follow
    /// Pixel Representation (0028,0103): SS when it is 1 (two's complement), else US.
    /// </summary>
    private DicomVR Resolve(DicomTag tag, DicomVR vr)
    {
        var entry = Dictionary.DicomDictionary.Standard.Find(tag);
        if (entry is null || !entry.IsAmbiguous) return vr;
        var candidates = entry.ValueRepresentations;
        if (vr == DicomVR.OB && candidates.Contains(DicomVR.OW)) return DicomVR.OW;
        if (vr == DicomVR.US && candidates.Contains(DicomVR.SS))
        {
            foreach (var ds in _datasets)
                if (ds.GetNumber(DicomTags.PixelRepresentation) is { } pr) return pr == 1 ? DicomVR.SS : DicomVR.US;
        }
        return vr;
    }

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
        _fragmentsTag = tag;
        _fragmentsVR = vr;
    }

    public void OnFragment(byte[] data, long offset)
    {
        if (!_offsetTableSeen)
        {
            _fragments = new DicomFragmentSequence(_fragmentsTag, _fragmentsVR, data) { SourceOffset = _fragmentsOffset };
            _offsetTableSeen = true;
            return;
        }
        _fragments!.Add(data);
    }

    public void OnEndFragments()
    {
        // PS3.5 A.4: the Basic Offset Table item is always present, possibly empty; tolerate its absence.
        Current.AppendRead(_fragments ?? new DicomFragmentSequence(_fragmentsTag, _fragmentsVR, []) { SourceOffset = _fragmentsOffset });
        _fragments = null;
    }
}
