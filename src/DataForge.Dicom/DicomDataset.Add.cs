using System.Buffers.Binary;
using System.Text;
using DataForge.Dicom.Dictionary;

namespace DataForge.Dicom;

public sealed partial class DicomDataset
{
    /// <summary>Adds (or replaces) a text element with the dictionary's VR; several values are joined with backslashes.</summary>
    public DicomDataset Add(DicomTag tag, params string[] values) => Add(tag, VRFor(tag), values);

    /// <summary>Adds (or replaces) a text element with a given VR, encoded in the character set in force and padded to even length.</summary>
    public DicomDataset Add(DicomTag tag, DicomVR vr, params string[] values)
    {
        if (!vr.IsString) throw new ArgumentException($"{tag}: VR {vr} does not hold text", nameof(vr));
        if (!vr.IsMultiValued && values.Length > 1) throw new ArgumentException($"{tag}: VR {vr} holds a single value", nameof(values));
        var text = string.Join('\\', values);
        byte[] bytes;
        if (vr.UsesSpecificCharacterSet) bytes = CharacterSet.Encode(text);
        else
        {
            foreach (var c in text)
                if (c > 0x7F) throw new ArgumentException($"{tag}: VR {vr} allows only the default repertoire (PS3.5 6.1.2.3)", nameof(values));
            bytes = Encoding.ASCII.GetBytes(text);
        }
        return Add(new DicomElement(tag, vr, Pad(bytes, vr.PaddingByte)));
    }

    /// <summary>Adds US values (or the dictionary's VR when it is SS-compatible, e.g. "US or SS").</summary>
    public DicomDataset Add(DicomTag tag, params ushort[] values) =>
        AddBinary(tag, Choose(tag, DicomVR.US, DicomVR.OW), values, 2, (s, v) => BinaryPrimitives.WriteUInt16LittleEndian(s, v));

    /// <summary>Adds SS values.</summary>
    public DicomDataset Add(DicomTag tag, params short[] values) =>
        AddBinary(tag, Choose(tag, DicomVR.SS), values, 2, (s, v) => BinaryPrimitives.WriteInt16LittleEndian(s, v));

    /// <summary>Adds UL values (or OL when the dictionary says so).</summary>
    public DicomDataset Add(DicomTag tag, params uint[] values) =>
        AddBinary(tag, Choose(tag, DicomVR.UL, DicomVR.OL), values, 4, (s, v) => BinaryPrimitives.WriteUInt32LittleEndian(s, v));

    /// <summary>Adds SL values.</summary>
    public DicomDataset Add(DicomTag tag, params int[] values) =>
        AddBinary(tag, Choose(tag, DicomVR.SL), values, 4, (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v));

    /// <summary>Adds FL values (or OF when the dictionary says so).</summary>
    public DicomDataset Add(DicomTag tag, params float[] values) =>
        AddBinary(tag, Choose(tag, DicomVR.FL, DicomVR.OF), values, 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v));

    /// <summary>Adds FD values (or OD when the dictionary says so).</summary>
    public DicomDataset Add(DicomTag tag, params double[] values) =>
        AddBinary(tag, Choose(tag, DicomVR.FD, DicomVR.OD), values, 8, (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v));

    /// <summary>Adds AT values.</summary>
    public DicomDataset Add(DicomTag tag, params DicomTag[] values) =>
        AddBinary(tag, DicomVR.AT, values, 4, (s, v) =>
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s, v.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(s[2..], v.Element);
        });

    /// <summary>Adds raw bytes with a given VR (OB, OW, UN, ...; binary numbers must be little endian). Odd lengths are padded.</summary>
    public DicomDataset Add(DicomTag tag, DicomVR vr, byte[] data)
    {
        if (vr == DicomVR.SQ) throw new ArgumentException("use a DicomSequence for SQ", nameof(vr));
        return Add(new DicomElement(tag, vr, Pad(data, vr.PaddingByte)));
    }

    /// <summary>Adds a sequence of the given items (none gives an empty sequence); returns this dataset.</summary>
    public DicomDataset Add(DicomTag tag, params DicomDataset[] items) => Add(new DicomSequence(tag, items));

    /// <summary>
    /// Reserves (or finds) the block of a private creator in an odd group (PS3.5 7.8.1) and returns the tag of
    /// element <paramref name="offset"/> (0x00-0xFF) in that block, e.g. (0029,1010).
    /// </summary>
    public DicomTag PrivateTag(ushort group, string creator, byte offset)
    {
        if ((group & 1) == 0 || group <= 0x0007 || group == 0xFFFF)
            throw new ArgumentException($"group {group:X4} is not a private group (PS3.5 7.8)", nameof(group));
        ArgumentException.ThrowIfNullOrWhiteSpace(creator);
        ushort free = 0;
        for (ushort block = 0x10; block <= 0xFF; block++)
        {
            var t = new DicomTag(group, block);
            if (GetElement(t) is { } e)
            {
                if (GetString(t) == creator.Trim()) return new DicomTag(group, (ushort)((block << 8) | offset));
            }
            else if (free == 0) free = block;
        }
        if (free == 0) throw new InvalidOperationException($"every private block of group {group:X4} is taken");
        Add(new DicomTag(group, free), DicomVR.LO, creator);
        return new DicomTag(group, (ushort)((free << 8) | offset));
    }

    private DicomDataset AddBinary<T>(DicomTag tag, DicomVR vr, T[] values, int size, SpanAction<T> write)
    {
        // Numbers for a DS or IS attribute are written as decimal strings (PS3.5 6.2), the VR the dictionary names.
        var dictionaryVR = DicomDictionary.Standard.Find(tag)?.VR;
        if (dictionaryVR == DicomVR.DS || dictionaryVR == DicomVR.IS)
            return Add(tag, dictionaryVR, values.Select(v => FormatDecimal(v)).ToArray());
        var data = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++) write(data.AsSpan(i * size, size), values[i]);
        return Add(new DicomElement(tag, vr, data));
    }

    private static string FormatDecimal<T>(T value)
    {
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", value);
        if (text.Length <= 16 || value is not (double or float)) return text;
        // PS3.5 6.2: a DS value has at most 16 bytes.
        var d = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        for (var digits = 15; digits > 0; digits--)
        {
            text = d.ToString("G" + digits, System.Globalization.CultureInfo.InvariantCulture);
            if (text.Length <= 16) break;
        }
        return text;
    }

    private delegate void SpanAction<in T>(Span<byte> span, T value);

    private static DicomVR VRFor(DicomTag tag)
    {
        if (tag.IsPrivateCreator) return DicomVR.LO;
        return DicomDictionary.Standard.Find(tag)?.VR
            ?? throw new ArgumentException($"{tag} is not in the data dictionary: pass its VR explicitly", nameof(tag));
    }

    /// <summary>The dictionary VR when it is one of the candidates (e.g. OW for Pixel Data), else the first candidate.</summary>
    private static DicomVR Choose(DicomTag tag, params DicomVR[] candidates)
    {
        var entry = DicomDictionary.Standard.Find(tag);
        if (entry is not null)
            foreach (var vr in entry.ValueRepresentations)
                if (candidates.Contains(vr)) return vr;
        return candidates[0];
    }

    internal static byte[] Pad(byte[] data, byte padding)
    {
        if ((data.Length & 1) == 0) return data;
        var padded = new byte[data.Length + 1];
        data.CopyTo(padded, 0);
        padded[^1] = padding;
        return padded;
    }
}
