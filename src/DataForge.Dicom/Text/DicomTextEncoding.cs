using System.Text;
using DataForge.Dicom.Dictionary;

namespace DataForge.Dicom.Text;

/// <summary>
/// Re-encodes a whole dataset in Unicode (ISO_IR 192, PS3.3 C.12.1.1.2): for text that the dataset's own
/// Specific Character Set cannot hold. Every text value at every depth is decoded with the character set in
/// force for it and written again in UTF-8, so no value is left in the old encoding under the new term.
/// </summary>
public static class DicomTextEncoding
{
    /// <summary>The defined term written into Specific Character Set.</summary>
    public const string UnicodeTerm = "ISO_IR 192";

    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>
    /// Converts every text value of <paramref name="root"/> and of the items of its sequences to UTF-8, sets its
    /// Specific Character Set to ISO_IR 192 and removes the ones items had (they inherit the root's). Standard
    /// text attributes written as UN (PS3.5 6.2.2) are converted too: they were written in the same character set.
    /// </summary>
    public static void ToUnicode(DicomDataset root)
    {
        Convert(root, root.CharacterSet, isRoot: true);
        root.Add(new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, DicomDataset.Pad(Encoding.ASCII.GetBytes(UnicodeTerm), (byte)' ')));
    }

    private static void Convert(DicomDataset ds, DicomCharacterSet inherited, bool isRoot)
    {
        // An item's own Specific Character Set (PS3.5 7.5.3) decodes its values; the root's new one replaces it.
        var set = ds.GetElement(DicomTags.SpecificCharacterSet) is not null ? ds.CharacterSet : inherited;
        foreach (var attribute in ds.ToList())
        {
            if (attribute is DicomSequence sequence)
            {
                foreach (var item in sequence.Items) Convert(item, set, isRoot: false);
                continue;
            }
            if (attribute is not DicomElement element || element.Length == 0 || !IsText(element)) continue;
            var text = set.Decode(element.Span, element.VR == DicomVR.PN || IsUnknownPersonName(element));
            ds.Add(new DicomElement(element.Tag, element.VR, DicomDataset.Pad(Utf8.GetBytes(text), (byte)' ')));
        }
        if (!isRoot) ds.Remove(DicomTags.SpecificCharacterSet);
    }

    private static bool IsText(DicomElement element) =>
        element.VR.UsesSpecificCharacterSet
        || element.VR == DicomVR.UN && !element.Tag.IsPrivate
           && DicomDictionary.Standard.Find(element.Tag) is { IsAmbiguous: false } entry && entry.VR.UsesSpecificCharacterSet;

    private static bool IsUnknownPersonName(DicomElement element) =>
        element.VR == DicomVR.UN && DicomDictionary.Standard.Find(element.Tag)?.VR == DicomVR.PN;
}
