namespace DataForge.Dicom;

/// <summary>A sequence of items (SQ, PS3.5 7.5); each item is a dataset.</summary>
public sealed class DicomSequence : DicomAttribute
{
    private readonly List<DicomDataset> _items = [];

    public DicomSequence(DicomTag tag, params IEnumerable<DicomDataset> items) : base(tag, DicomVR.SQ)
    {
        foreach (var item in items) Add(item);
    }

    /// <summary>The items in order.</summary>
    public IReadOnlyList<DicomDataset> Items => _items;

    /// <summary>
    /// The sequence was encoded with undefined length and a sequence delimitation item (PS3.5 7.5.2); kept so that
    /// writing reproduces the file. Sequences built in memory use undefined length.
    /// </summary>
    public bool UndefinedLength { get; set; } = true;

    /// <summary>The dataset holding this sequence, once added to one.</summary>
    public DicomDataset? Owner { get; internal set; }

    /// <summary>Appends an item.</summary>
    public DicomSequence Add(DicomDataset item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Parent = Owner;
        _items.Add(item);
        return this;
    }

    internal void Adopt(DicomDataset owner)
    {
        Owner = owner;
        foreach (var item in _items) item.Parent = owner;
    }
}
