using System.Buffers.Binary;
using DataForge.Dicom;
using DataForge.Dicom.IO;
using DataForge.Dicom.Dictionary;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// A standard text attribute written as UN (PS3.5 6.2.2: a tool that did not know its VR, e.g. an implicit
/// VR file converted to explicit) is read as its dictionary VR before its action is chosen, so that a
/// Modality or a Pixel Spacing is kept like any other instead of being taken for unknown text and replaced
/// by a dummy, and a sequence written as UN is walked like any sequence. Binary numbers and tags written
/// as UN are read by their dictionary VR in little endian files only (in a big endian file their byte
/// order is not known), else they get the unlisted-attribute rule. A private element written as UN gets the VR its
/// creator's entry has in the <see cref="PrivateDictionary"/> (dcmtk's), else in PS3.15 Table E.3.10-1, so that
/// retain-safe-private and overrides keep it typed.
/// </summary>
internal static class UnknownVR
{
    /// <summary>The attribute with its dictionary VR when it is a standard text attribute written as UN; else the attribute itself.</summary>
    /// <param name="ds">The dataset holding the attribute; the resolved attribute replaces it there.</param>
    /// <param name="attribute">The attribute.</param>
    /// <param name="littleEndian">True when the file is little endian, so that binary values written as UN are in that order.</param>
    public static DicomAttribute Resolve(DicomDataset ds, DicomAttribute attribute, bool littleEndian)
    {
        if (attribute is not DicomElement { VR.Code: "UN" } element) return attribute;
        var vr = attribute.Tag.IsPrivate ? PrivateVR(ds, attribute.Tag)
            : DicomDictionary.Standard.Find(attribute.Tag) is { IsAmbiguous: false } entry ? entry.VR : null;
        if (vr is null) return attribute;
        DicomAttribute? resolved = vr == DicomVR.SQ ? Sequence(element)
            : vr.IsString ? new DicomElement(element.Tag, vr, element.Data.ToArray())
            : littleEndian && (vr.IsBinaryNumber || vr == DicomVR.AT) && element.Length % Math.Max(1, Unit(vr)) == 0
                ? new DicomElement(element.Tag, vr, element.Data.ToArray())
            : null;
        if (resolved is null) return attribute;
        ds.Add(resolved);
        return resolved;
    }

    /// <summary>The VR of a private data element (not a creator) by its creator, or null.</summary>
    private static DicomVR? PrivateVR(DicomDataset ds, DicomTag tag)
    {
        if (tag.IsPrivateCreator || tag.Element < 0x1000) return null;
        var creator = ds.GetString(new DicomTag(tag.Group, (ushort)(tag.Element >> 8)))?.Trim(' ', '\0');
        if (string.IsNullOrEmpty(creator)) return null;
        var low = (byte)(tag.Element & 0xFF);
        if (PrivateDictionary.Find(creator, tag.Group, low) is { } vr) return vr;
        return SafePrivateAttributes.VROf(creator, tag.Group, low) is { } code && code.Length == 2 && code != "UN" ? DicomVR.Parse(code) : null;
    }

    private static int Unit(DicomVR vr) => vr == DicomVR.AT ? 4 : vr.UnitSize;

    /// <summary>
    /// PS3.5 6.2.2: a sequence written as UN holds its items in Implicit VR Little Endian. Read as a one-element
    /// implicit dataset, so its items are de-identified like any sequence's; null when they cannot be read
    /// (the UN value then gets the unlisted-attribute rule: emptied).
    /// </summary>
    private static DicomSequence? Sequence(DicomElement element)
    {
        // An empty Specific Character Set (0008,0005) first: the reader recognises a bare dataset by a
        // low group number in its first element.
        var bytes = new byte[16 + element.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 0x0008);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 0x0005);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), element.Tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), element.Tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)element.Length);
        element.Span.CopyTo(bytes.AsSpan(16));
        try
        {
            return DicomReader.Read(bytes).Dataset.Get(element.Tag) as DicomSequence;
        }
        catch (DicomFormatException)
        {
            return null;
        }
    }
}
