using DataForge.Dicom.Dictionary;

namespace DataForge.Dicom.IO;

/// <summary>
/// Reads the data elements of a dataset (PS3.5 7) and reports them to an observer. Knows encodings (explicit or
/// implicit VR, byte order, defined or undefined lengths, delimiters, encapsulation) but builds nothing itself.
/// Every length is checked against the bytes that remain; nesting is bounded; every loop consumes input.
/// </summary>
internal sealed class DicomTokenizer
{
    private const uint Undefined = 0xFFFFFFFF;
    private const int MaxDepth = 64;
    private static readonly DicomTag PixelData = new(0x7FE0, 0x0010);
    private static readonly DicomTag FloatPixelData = new(0x7FE0, 0x0008);
    private static readonly DicomTag DoubleFloatPixelData = new(0x7FE0, 0x0009);

    private readonly ByteSource _src;
    private readonly IDicomReaderObserver _observer;
    private readonly DicomDictionary _dictionary;
    private bool _explicit;
    private bool _big;
    // Per nesting level, the private creators reserved so far in the current item ((group << 8 | block) -> creator):
    // an implicit VR private element takes its VR from the private dictionary by its creator (PS3.5 7.8.1).
    private readonly List<Dictionary<uint, string>> _creators = [];

    public DicomTokenizer(ByteSource source, IDicomReaderObserver observer, bool explicitVR, bool bigEndian, DicomDictionary? dictionary = null)
    {
        _src = source;
        _observer = observer;
        _explicit = explicitVR;
        _big = bigEndian;
        _dictionary = dictionary ?? DicomDictionary.Standard;
    }

    /// <summary>Stop at the first top-level pixel data element without reading its value.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Stop before the first top-level element whose group is not this one (used for the meta group).</summary>
    public ushort? OnlyGroup { get; init; }

    /// <summary>Tolerated deviations from the standard, in reading order (no values, so no PHI).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>True once reading stopped before pixel data.</summary>
    public bool StoppedBeforePixelData { get; private set; }

    /// <summary>Reads top-level elements up to the end of the data.</summary>
    public void ReadDataset() => ReadElements(-1, itemUndefined: false, depth: 0);

    /// <summary>Reads elements until <paramref name="end"/> (defined length) or an item delimitation (undefined).</summary>
    private void ReadElements(long end, bool itemUndefined, int depth)
    {
        var topLevel = depth == 0;
        while (_creators.Count <= depth) _creators.Add([]);
        _creators[depth].Clear();
        while (true)
        {
            if (end >= 0 && _src.Position >= end)
            {
                if (_src.Position > end) throw _src.Error("an element runs past the end of its item", null);
                return;
            }
            if (_src.Remaining == 0)
            {
                if (topLevel) return;
                // As dcmtk and pydicom do, data that ends cleanly between two elements inside an item is kept; the
                // missing delimiters or the over-long item length are reported as a warning.
                Warnings.Add($"offset {_src.Position}: the data ends inside an item of {(itemUndefined ? "undefined" : "defined")} length (PS3.5 7.5)");
                return;
            }
            var start = _src.Position;
            if (topLevel && OnlyGroup is { } g)
            {
                var peek = _src.Peek(2);
                if (peek.Length < 2 || (_big ? (peek[0] << 8 | peek[1]) : (peek[1] << 8 | peek[0])) != g) return;
            }
            if (topLevel && _src.Remaining < 8 && AllZero(_src.Peek((int)_src.Remaining)))
            {
                Warnings.Add($"offset {_src.Position}: {_src.Remaining} trailing NUL bytes after the last element");
                // Trailing NUL padding after the last element (seen in the wild): nothing more to read.
                _src.Skip(_src.Remaining, null);
                return;
            }
            var tag = new DicomTag(_src.ReadUInt16(_big, null), _src.ReadUInt16(_big, null));
            if (tag.IsDelimiter)
            {
                var length = _src.ReadUInt32(_big, tag);
                if (tag == DicomTag.ItemDelimitation && !topLevel)
                {
                    if (itemUndefined) return;
                    // An item delimiter inside a defined-length item: tolerated, nothing follows it in the item.
                    continue;
                }
                if (tag == DicomTag.SequenceDelimitation && topLevel && length == 0) continue;
                throw _src.Error($"unexpected delimiter {tag} (length {length}) among data elements (PS3.5 7.5)", tag, start);
            }
            if (topLevel && StopBeforePixelData && (tag == PixelData || tag == FloatPixelData || tag == DoubleFloatPixelData))
            {
                StoppedBeforePixelData = true;
                return;
            }
            ReadElement(tag, start, depth);
        }
    }

    private void ReadElement(DicomTag tag, long start, int depth)
    {
        DicomVR vr;
        uint length;
        var vrFromData = _explicit;
        if (_explicit)
        {
            var code = _src.Take(2, tag);
            var found = DicomVR.FromBytes(code[0], code[1]);
            if (found is null)
            {
                if (!IsUpper(code[0]) || !IsUpper(code[1]))
                    throw _src.Error("invalid VR bytes in an explicit VR data element (PS3.5 7.1.2)", tag, start);
                // A well-formed but unknown VR: read as UN with the 32-bit length form (PS3.5 6.2, later VRs use it).
                found = DicomVR.UN;
                _src.Skip(2, tag);
                length = _src.ReadUInt32(_big, tag);
            }
            else if (found.Is32BitLength)
            {
                _src.Skip(2, tag);
                length = _src.ReadUInt32(_big, tag);
            }
            else length = _src.ReadUInt16(_big, tag);
            vr = found;
        }
        else
        {
            vr = _dictionary.ImplicitVR(tag);
            length = _src.ReadUInt32(_big, tag);
            if (vr == DicomVR.UN && tag.IsPrivate && tag.Element >= 0x1000 && PrivateVR(tag, length, depth) is { } known) vr = known;
        }

        if (vr == DicomVR.SQ || (length == Undefined && vr == DicomVR.UN && !IsPixelData(tag)))
        {
            // PS3.5 6.2.2: UN with undefined length holds a sequence encoded as Implicit VR Little Endian.
            var switchToImplicit = vr == DicomVR.UN && vrFromData;
            if (vr == DicomVR.UN) Warnings.Add($"offset {start}, tag {tag}: UN of undefined length read as a sequence (PS3.5 6.2.2)");
            ReadSequence(tag, length, start, depth, switchToImplicit);
            return;
        }
        if (length == Undefined)
        {
            if (IsPixelData(tag) || vr == DicomVR.OB || vr == DicomVR.OW || vr == DicomVR.UN)
            {
                ReadFragments(tag, vr == DicomVR.UN || vr == DicomVR.OW && !_explicit ? DicomVR.OB : vr, start);
                return;
            }
            throw _src.Error($"undefined length is allowed only for SQ, UN and encapsulated pixel data, not {vr} (PS3.5 7.1)", tag, start);
        }
        if ((length & 1) == 1) Warnings.Add($"offset {start}, tag {tag}: odd value length {length} (PS3.5 7.1.1)");
        if (tag.Group is 0x0001 or 0x0003 or 0x0005 or 0x0007 or 0xFFFF)
            Warnings.Add($"offset {start}, tag {tag}: group {tag.Group:X4} may not be used (PS3.5 7.8)");
        if (_big && vr.UnitSize > 1)
        {
            // Swapped in a copy of its own: a value read from memory must not change the caller's bytes.
            var swapped = _src.ReadBytes(length, tag);
            ByteSwap.SwapInPlace(swapped, vr == DicomVR.AT ? 2 : vr.UnitSize);
            _observer.OnElement(tag, vr, swapped, start);
            return;
        }
        var value = _src.ReadValue(length, tag);
        if (tag.IsPrivateCreator && vr.IsString)
            _creators[depth][(uint)tag.Group << 8 | tag.Element] = System.Text.Encoding.Latin1.GetString(value.Span).Trim(' ', '\0');
        _observer.OnElement(tag, vr, value, start);
    }

    /// <summary>
    /// The VR of an implicit VR private element by its creator's entry in the <see cref="PrivateDictionary"/>, or null.
    /// A VR the value cannot have is not taken: a sequence must start with an item (or be empty), a binary value must
    /// be a whole number of units.
    /// </summary>
    private DicomVR? PrivateVR(DicomTag tag, uint length, int depth)
    {
        if (!_creators[depth].TryGetValue((uint)tag.Group << 8 | (uint)(tag.Element >> 8), out var creator)) return null;
        if (PrivateDictionary.Find(creator, tag.Group, (byte)(tag.Element & 0xFF)) is not { } vr) return null;
        if (vr == DicomVR.SQ)
        {
            if (length == Undefined || length == 0) return vr;
            var peek = _src.Peek(4);
            return peek.Length == 4 && peek[0] == 0xFE && peek[1] == 0xFF && peek[2] == 0x00 && peek[3] == 0xE0 ? vr : null;
        }
        if (length == Undefined) return null;
        var unit = vr == DicomVR.AT ? 4 : vr.UnitSize;
        return unit > 1 && length % unit != 0 ? null : vr;
    }

    private void ReadSequence(DicomTag tag, uint length, long start, int depth, bool switchToImplicit)
    {
        if (depth >= MaxDepth) throw _src.Error($"sequences nested deeper than {MaxDepth} levels", tag, start);
        var undefined = length == Undefined;
        var end = undefined ? -1 : _src.Position + length;
        if (!undefined && length > _src.Remaining)
        {
            Warnings.Add($"offset {start}, tag {tag}: sequence length {length} goes past the end of the data ({_src.Remaining} bytes remain)");
            end = _src.Length;
        }
        var (wasExplicit, wasBig) = (_explicit, _big);
        if (switchToImplicit) (_explicit, _big) = (false, false);
        _observer.OnBeginSequence(tag, DicomVR.SQ, undefined, start);
        while (true)
        {
            if (!undefined && _src.Position >= end) break;
            if (_src.Remaining == 0)
            {
                Warnings.Add($"offset {start}, tag {tag}: the data ends inside the sequence (PS3.5 7.5.2)");
                break;
            }
            var itemStart = _src.Position;
            var itemTag = new DicomTag(_src.ReadUInt16(_big, tag), _src.ReadUInt16(_big, tag));
            var itemLength = _src.ReadUInt32(_big, tag);
            if (itemTag == DicomTag.SequenceDelimitation) break;
            if (itemTag != DicomTag.ItemTag)
                throw _src.Error($"expected an item (FFFE,E000) in the sequence, found {itemTag} (PS3.5 7.5)", tag, itemStart);
            var itemUndefined = itemLength == Undefined;
            var itemEnd = itemUndefined ? -1 : _src.Position + itemLength;
            if (!itemUndefined && itemLength > _src.Remaining)
            {
                Warnings.Add($"offset {itemStart}, tag {tag}: item length {itemLength} goes past the end of the data ({_src.Remaining} bytes remain)");
                itemEnd = _src.Length;
            }
            _observer.OnBeginItem(itemUndefined, itemStart);
            ReadElements(itemEnd, itemUndefined, depth + 1);
            _observer.OnEndItem();
        }
        if (!undefined && _src.Position > end) throw _src.Error($"the items run past the sequence's length {length}", tag, start);
        (_explicit, _big) = (wasExplicit, wasBig);
        _observer.OnEndSequence();
    }

    private void ReadFragments(DicomTag tag, DicomVR vr, long start)
    {
        _observer.OnBeginFragments(tag, vr, start);
        while (true)
        {
            var itemStart = _src.Position;
            if (_src.Remaining < 8) throw _src.Error("encapsulated pixel data has no sequence delimitation (PS3.5 A.4)", tag, itemStart);
            var itemTag = new DicomTag(_src.ReadUInt16(_big, tag), _src.ReadUInt16(_big, tag));
            var itemLength = _src.ReadUInt32(_big, tag);
            if (itemTag == DicomTag.SequenceDelimitation) break;
            if (itemTag != DicomTag.ItemTag)
                throw _src.Error($"expected a fragment item (FFFE,E000), found {itemTag} (PS3.5 A.4)", tag, itemStart);
            if (itemLength == Undefined) throw _src.Error("a fragment has undefined length (PS3.5 A.4)", tag, itemStart);
            _observer.OnFragment(_src.ReadBytes(itemLength, tag), itemStart);
        }
        _observer.OnEndFragments();
    }

    private static bool IsPixelData(DicomTag tag) => tag == PixelData;

    private static bool IsUpper(byte b) => b >= (byte)'A' && b <= (byte)'Z';

    private static bool AllZero(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
            if (b != 0) return false;
        return true;
    }
}
