using System.Buffers.Binary;

namespace DataForge.Dicom.IO;

/// <summary>Encodes attributes into a stream in one transfer syntax (PS3.5 7.1-7.5, A.4).</summary>
internal sealed class DatasetEncoder(Stream output, DicomTransferSyntax syntax)
{
    private const uint Undefined = 0xFFFFFFFF;
    private readonly bool _explicit = syntax.IsExplicitVR;
    private readonly bool _big = syntax.IsBigEndian;
    private readonly byte[] _scratch = new byte[12];

    public void WriteAll(DicomDataset dataset)
    {
        foreach (var a in dataset) Write(a);
    }

    public void Write(DicomAttribute attribute)
    {
        // PS3.5 7.1: the meta group is always Explicit VR Little Endian; callers write it through their own encoder.
        switch (attribute)
        {
            case DicomElement e:
                var length = (uint)(e.Length + (e.Length & 1));
                WriteHeader(e.Tag, e.VR, length);
                WriteValue(e);
                break;
            case DicomSequence s:
                WriteHeader(s.Tag, DicomVR.SQ, s.UndefinedLength ? Undefined : (uint)MeasureItems(s));
                foreach (var item in s.Items)
                {
                    WriteItemHeader(DicomTag.ItemTag, item.UndefinedLength ? Undefined : (uint)Measure(item));
                    WriteAll(item);
                    if (item.UndefinedLength) WriteItemHeader(DicomTag.ItemDelimitation, 0);
                }
                if (s.UndefinedLength) WriteItemHeader(DicomTag.SequenceDelimitation, 0);
                break;
            case DicomFragmentSequence f:
                // PS3.5 A.4: encapsulated pixel data is OB with undefined length, items of defined length, then a delimiter.
                WriteHeader(f.Tag, f.VR, Undefined);
                WriteItemHeader(DicomTag.ItemTag, (uint)f.OffsetTable.Length);
                output.Write(f.OffsetTable);
                foreach (var fragment in f.Fragments)
                {
                    WriteItemHeader(DicomTag.ItemTag, (uint)fragment.Length);
                    output.Write(fragment);
                }
                WriteItemHeader(DicomTag.SequenceDelimitation, 0);
                break;
        }
    }

    private void WriteValue(DicomElement e)
    {
        var span = e.Span;
        if (_big && e.VR.UnitSize > 1) output.Write(ByteSwap.Swapped(span, e.VR == DicomVR.AT ? 2 : e.VR.UnitSize));
        else output.Write(span);
        if ((span.Length & 1) == 1) output.WriteByte(e.VR.PaddingByte);
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        var b = _scratch.AsSpan();
        var big = _big;
        WriteU16(b, tag.Group, big);
        WriteU16(b[2..], tag.Element, big);
        if (!_explicit)
        {
            WriteU32(b[4..], length, big);
            output.Write(b[..8]);
            return;
        }
        var code = vr;
        if (!vr.Is32BitLength && length > 0xFFFF)
        {
            // PS3.5 6.2.2: a value too long for a 16-bit length can only be written as UN.
            code = DicomVR.UN;
        }
        b[4] = (byte)code.Code[0];
        b[5] = (byte)code.Code[1];
        if (code.Is32BitLength)
        {
            b[6] = 0;
            b[7] = 0;
            WriteU32(b[8..], length, big);
            output.Write(b[..12]);
        }
        else
        {
            WriteU16(b[6..], (ushort)length, big);
            output.Write(b[..8]);
        }
    }

    private void WriteItemHeader(DicomTag tag, uint length)
    {
        var b = _scratch.AsSpan();
        WriteU16(b, tag.Group, _big);
        WriteU16(b[2..], tag.Element, _big);
        WriteU32(b[4..], length, _big);
        output.Write(b[..8]);
    }

    /// <summary>Encoded length of a dataset's attributes in this transfer syntax.</summary>
    public long Measure(DicomDataset dataset)
    {
        long total = 0;
        foreach (var a in dataset) total += Measure(a);
        return total;
    }

    private long MeasureItems(DicomSequence s)
    {
        long total = 0;
        foreach (var item in s.Items) total += 8 + Measure(item) + (item.UndefinedLength ? 8 : 0);
        return total;
    }

    /// <summary>Encoded length of one attribute (header and value) in this transfer syntax.</summary>
    public long Measure(DicomAttribute a)
    {
        long header = _explicit ? (a.VR.Is32BitLength ? 12 : 8) : 8;
        return a switch
        {
            DicomElement e => HeaderFor(e) + e.Length + (e.Length & 1),
            DicomSequence s => header + MeasureItems(s) + (s.UndefinedLength ? 8 : 0),
            DicomFragmentSequence f => header + 8 + f.OffsetTable.Length + f.Fragments.Sum(x => 8L + x.Length) + 8,
            _ => 0,
        };
    }

    private long HeaderFor(DicomElement e)
    {
        if (!_explicit) return 8;
        var length = e.Length + (e.Length & 1);
        return e.VR.Is32BitLength || length > 0xFFFF ? 12 : 8;
    }

    private static void WriteU16(Span<byte> b, ushort v, bool big)
    {
        if (big) BinaryPrimitives.WriteUInt16BigEndian(b, v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
    }

    private static void WriteU32(Span<byte> b, uint v, bool big)
    {
        if (big) BinaryPrimitives.WriteUInt32BigEndian(b, v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
    }
}
