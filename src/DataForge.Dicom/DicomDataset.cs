using System.Collections;
using DataForge.Dicom.Text;

namespace DataForge.Dicom;

/// <summary>
/// An ordered set of attributes: a whole dataset, the file meta information, or one item of a sequence. Elements
/// read from a file keep the file's order; elements added in memory are inserted in ascending tag order, as
/// PS3.5 7.1 requires for writing.
/// </summary>
public sealed partial class DicomDataset : IEnumerable<DicomAttribute>
{
    private readonly List<DicomAttribute> _attributes = [];
    private readonly Dictionary<DicomTag, DicomAttribute> _byTag = [];

    public DicomDataset() { }

    public DicomDataset(IEnumerable<DicomAttribute> attributes)
    {
        foreach (var a in attributes) Add(a);
    }

    /// <summary>The dataset holding the sequence this item belongs to; null for a top-level dataset.</summary>
    public DicomDataset? Parent { get; internal set; }

    /// <summary>
    /// As an item: it was encoded with undefined length and an item delimitation item (PS3.5 7.5.2). Kept so that
    /// writing reproduces the file; items built in memory use undefined length.
    /// </summary>
    public bool UndefinedLength { get; set; } = true;

    /// <summary>Number of attributes at this level.</summary>
    public int Count => _attributes.Count;

    /// <summary>True when the tag is present at this level.</summary>
    public bool Contains(DicomTag tag) => _byTag.ContainsKey(tag);

    /// <summary>The attribute with this tag, or null.</summary>
    public DicomAttribute? Get(DicomTag tag) => _byTag.GetValueOrDefault(tag);

    /// <summary>The element (not sequence) with this tag, or null.</summary>
    public DicomElement? GetElement(DicomTag tag) => _byTag.GetValueOrDefault(tag) as DicomElement;

    /// <summary>The sequence with this tag, or null.</summary>
    public DicomSequence? GetSequence(DicomTag tag) => _byTag.GetValueOrDefault(tag) as DicomSequence;

    /// <summary>Adds an attribute, replacing one with the same tag in place; new tags go in ascending order.</summary>
    public DicomDataset Add(DicomAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        if (attribute is DicomSequence seq) seq.Adopt(this);
        if (_byTag.TryGetValue(attribute.Tag, out var existing))
        {
            _attributes[_attributes.IndexOf(existing)] = attribute;
        }
        else if (_attributes.Count == 0 || _attributes[^1].Tag < attribute.Tag)
        {
            _attributes.Add(attribute);
        }
        else
        {
            var index = _attributes.FindIndex(a => a.Tag > attribute.Tag);
            _attributes.Insert(index < 0 ? _attributes.Count : index, attribute);
        }
        _byTag[attribute.Tag] = attribute;
        return this;
    }

    /// <summary>Appends an attribute read from a file, keeping the file's order even when it is not ascending.</summary>
    internal void AppendRead(DicomAttribute attribute)
    {
        if (attribute is DicomSequence seq) seq.Adopt(this);
        if (_byTag.TryGetValue(attribute.Tag, out var existing))
        {
            // A repeated tag: the later one wins, as in pydicom and dcmtk; the structure stays one entry per tag.
            _attributes[_attributes.IndexOf(existing)] = attribute;
        }
        else _attributes.Add(attribute);
        _byTag[attribute.Tag] = attribute;
    }

    /// <summary>Removes the attribute with this tag; true when one was removed.</summary>
    public bool Remove(DicomTag tag)
    {
        if (!_byTag.Remove(tag, out var existing)) return false;
        _attributes.Remove(existing);
        return true;
    }

    /// <summary>Removes every attribute matching the predicate at this level.</summary>
    public int RemoveAll(Func<DicomAttribute, bool> predicate)
    {
        var gone = _attributes.Where(predicate).ToList();
        foreach (var a in gone) Remove(a.Tag);
        return gone.Count;
    }

    /// <summary>
    /// The character set in force: this dataset's Specific Character Set (0008,0005), else the enclosing
    /// dataset's (PS3.5 7.5.3: items inherit it), else the default repertoire.
    /// </summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            for (var ds = this; ds is not null; ds = ds.Parent)
            {
                if (ds.GetElement(DicomTags.SpecificCharacterSet) is { } e) return ds.CharacterSetOf(e);
            }
            return DicomCharacterSet.Default;
        }
    }

    // Every string read decodes through the character set: it is parsed once per (0008,0005) element, which is
    // immutable, so a replaced element is simply a new cache key.
    // One reference, written whole: a reader on another thread sees an old pair or a new one, never a mix.
    private CachedCharacterSet? _characterSet;

    private sealed record CachedCharacterSet(DicomElement Source, DicomCharacterSet Set);

    private DicomCharacterSet CharacterSetOf(DicomElement element)
    {
        if (_characterSet is { } cached && ReferenceEquals(cached.Source, element)) return cached.Set;
        var set = DicomCharacterSet.FromTerms(DecodeAscii(element.Span, true));
        _characterSet = new CachedCharacterSet(element, set);
        return set;
    }

    /// <summary>A deep copy: sequences and items are copied, value bytes are shared (they are never modified in place).</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset { UndefinedLength = UndefinedLength };
        foreach (var a in _attributes)
        {
            DicomAttribute c = a switch
            {
                DicomSequence s => new DicomSequence(s.Tag, s.Items.Select(i => i.Clone())) { UndefinedLength = s.UndefinedLength },
                DicomFragmentSequence f => new DicomFragmentSequence(f.Tag, f.VR, f.OffsetTable, f.Fragments),
                _ => a,
            };
            c.SourceOffset = a.SourceOffset;
            copy.AppendRead(c);
        }
        return copy;
    }

    public IEnumerator<DicomAttribute> GetEnumerator() => _attributes.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
