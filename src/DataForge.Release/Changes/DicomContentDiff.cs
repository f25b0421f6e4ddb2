using DataForge.Dicom;
using DataForge.Dicom.Dictionary;
using DataForge.Dicom.IO;

namespace DataForge.Release.Changes;

/// <summary>
/// What differs between two DICOM instances, attribute by attribute (the file meta group and the dataset, top
/// level; a sequence counts as one attribute): named by keyword (a private or unknown attribute by its tag) with
/// its state on each side: absent, empty (zero length, as "empty" in PS3.15 Annex E leaves it) or present, or
/// "value changed" when present on both. Values are compared, never returned.
/// </summary>
public static class DicomContentDiff
{
    /// <summary>The attribute changes, in tag order; null when either side is not readable as DICOM.</summary>
    public static IReadOnlyList<ContentChange>? Compare(byte[] before, byte[] after)
    {
        DicomFile a, b;
        try
        {
            a = DicomReader.Read(before);
            b = DicomReader.Read(after);
        }
        catch (DicomFormatException)
        {
            return null;
        }
        var changes = new List<ContentChange>();
        Compare(a.Meta, b.Meta, changes);
        Compare(a.Dataset, b.Dataset, changes);
        return changes;
    }

    private static void Compare(DicomDataset a, DicomDataset b, List<ContentChange> changes)
    {
        var tags = a.Select(x => x.Tag).Union(b.Select(x => x.Tag)).Where(t => !t.IsGroupLength).Order();
        foreach (var tag in tags)
        {
            var x = a.Get(tag);
            var y = b.Get(tag);
            if (x is not null && y is not null && Same(x, y)) continue;
            var how = (State(x), State(y)) switch
            {
                ("present", "present") => x is DicomSequence s && y is DicomSequence t && s.Items.Count != t.Items.Count
                    ? $"{Items(s.Items.Count)} -> {Items(t.Items.Count)}"
                    : "value changed",
                var (from, to) when from == to => "value changed", // empty on both sides with another VR
                var (from, to) => $"{from} -> {to}",
            };
            changes.Add(new ContentChange(ContentChangeKinds.Dicom, NameOf(tag), how));
        }
    }

    /// <summary>The attribute's keyword, or its tag when private or not in the dictionary.</summary>
    public static string NameOf(DicomTag tag) =>
        !tag.IsPrivate && DicomDictionary.Standard.Find(tag) is { Keyword.Length: > 0 } entry ? entry.Keyword : tag.ToString();

    private static string Items(int n) => n == 1 ? "1 item" : $"{n} items";

    private static string State(DicomAttribute? attribute) => attribute switch
    {
        null => "absent",
        DicomElement { Length: 0 } => "empty",
        DicomSequence { Items.Count: 0 } => "empty",
        _ => "present",
    };

    private static bool Same(DicomAttribute x, DicomAttribute y) => (x, y) switch
    {
        (DicomElement e, DicomElement f) => e.VR == f.VR && e.Span.SequenceEqual(f.Span),
        (DicomSequence s, DicomSequence t) => s.Items.Count == t.Items.Count && s.Items.Zip(t.Items).All(p => SameDataset(p.First, p.Second)),
        (DicomFragmentSequence s, DicomFragmentSequence t) => s.VR == t.VR && s.OffsetTable.AsSpan().SequenceEqual(t.OffsetTable)
            && s.Fragments.Count == t.Fragments.Count && s.Fragments.Zip(t.Fragments).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
        _ => false,
    };

    private static bool SameDataset(DicomDataset a, DicomDataset b)
    {
        var x = a.Where(v => !v.Tag.IsGroupLength).ToList();
        var y = b.Where(v => !v.Tag.IsGroupLength).ToList();
        return x.Count == y.Count && x.Zip(y).All(p => p.First.Tag == p.Second.Tag && Same(p.First, p.Second));
    }
}
