using System.Globalization;
using System.Text.Json;

namespace DataForge.Dicom.Formatting;

/// <summary>
/// Writes a dataset in the DICOM JSON Model (PS3.18 Annex F): an object keyed by tag ("GGGGEEEE"), each
/// attribute with "vr" and "Value" (strings, numbers, person name objects, item objects) or "InlineBinary".
/// </summary>
public static class DicomJsonWriter
{
    /// <summary>Writes the dataset as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset)
    {
        writer.WriteStartObject();
        foreach (var a in dataset)
        {
            // Group lengths describe the binary encoding, which JSON does not have: they are left out (as dcm2json does).
            if (a.Tag.IsGroupLength) continue;
            WriteAttribute(writer, a, dataset);
        }
        writer.WriteEndObject();
    }

    /// <summary>The dataset as a JSON string (indented or compact).</summary>
    public static string ToJson(DicomDataset dataset, bool indented = true)
    {
        using var ms = new MemoryStream();
        using (var writer = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(writer, dataset);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteAttribute(Utf8JsonWriter w, DicomAttribute a, DicomDataset owner)
    {
        w.WritePropertyName(a.Tag.Value.ToString("X8", CultureInfo.InvariantCulture));
        w.WriteStartObject();
        w.WriteString("vr", a.VR.Code);
        switch (a)
        {
            case DicomSequence s:
                if (s.Items.Count > 0)
                {
                    w.WriteStartArray("Value");
                    foreach (var item in s.Items) Write(w, item);
                    w.WriteEndArray();
                }
                break;
            case DicomFragmentSequence f:
                // F.2.7: binary values are base64 of their octet stream; for encapsulated data that is its items.
                w.WriteBase64String("InlineBinary", FramedItems(f));
                break;
            case DicomElement { Tag: var t } e when t == DicomTags.SpecificCharacterSet && e.Length > 0 && owner.Parent is null:
                // The JSON text is UTF-8 whatever the dataset's character set, so it states ISO_IR 192 (as dcm2json does).
                w.WriteStartArray("Value");
                w.WriteStringValue("ISO_IR 192");
                w.WriteEndArray();
                break;
            case DicomElement e when e.Length > 0:
                WriteValue(w, e, owner);
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, DicomElement e, DicomDataset owner)
    {
        var vr = e.VR;
        if (vr.Kind == VRKind.Bytes)
        {
            // PS3.5 7.1.1: values have even length; an odd value read from a file is padded here.
            w.WriteBase64String("InlineBinary", (e.Length & 1) == 0 ? e.Span : [.. e.Span, vr.PaddingByte]);
            return;
        }
        IReadOnlyList<string>? strings = vr.IsString ? DicomDataset.DecodeStrings(e, owner.CharacterSet) : null;
        if (vr == DicomVR.PN) strings = strings!.Select(TrimPersonName).ToList();
        if (strings is not null && strings.All(v => v.Length == 0)) return;   // only padding: no Value (F.2.5)
        w.WriteStartArray("Value");
        if (vr == DicomVR.AT)
        {
            for (var i = 0; i < e.BinaryCount; i++) w.WriteStringValue(e.GetTag(i).Value.ToString("X8", CultureInfo.InvariantCulture));
        }
        else if (vr.IsBinaryNumber)
        {
            for (var i = 0; i < e.BinaryCount; i++) WriteNumber(w, e.GetNumber(i));
        }
        else
        {
            foreach (var value in strings!)
            {
                if (value.Length == 0) w.WriteNullValue();
                else if (vr == DicomVR.PN) WritePersonName(w, value);
                else if ((vr == DicomVR.DS || vr == DicomVR.IS) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    WriteNumber(w, d);   // F.2.3: DS and IS are JSON numbers
                else w.WriteStringValue(value);
            }
        }
        w.WriteEndArray();
    }

    /// <summary>PS3.5 6.2.1: trailing empty components and component groups of a person name carry nothing.</summary>
    private static string TrimPersonName(string value) =>
        string.Join('=', value.Split('=').Select(g => g.TrimEnd('^', ' '))).TrimEnd('=');

    private static byte[] FramedItems(DicomFragmentSequence f)
    {
        var ms = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var item in new[] { f.OffsetTable }.Concat(f.Fragments))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header, 0xE000FFFE);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)item.Length);
            ms.Write(header);
            ms.Write(item);
        }
        return ms.ToArray();
    }

    private static void WriteNumber(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d)) w.WriteNumberValue(d);
        else w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));   // JSON has no NaN or infinity
    }

    /// <summary>F.2.2: a PN value is an object of its component groups Alphabetic, Ideographic and Phonetic.</summary>
    private static void WritePersonName(Utf8JsonWriter w, string value)
    {
        string[] names = ["Alphabetic", "Ideographic", "Phonetic"];
        var groups = value.Split('=');
        w.WriteStartObject();
        for (var i = 0; i < groups.Length && i < names.Length; i++)
            if (groups[i].Length > 0) w.WriteString(names[i], groups[i]);
        w.WriteEndObject();
    }
}
