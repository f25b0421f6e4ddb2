using System.Collections.Frozen;
using System.Globalization;

namespace DataForge.Dicom.Dictionary;

/// <summary>
/// Read-only lookup of the PS3.6 data dictionary, built once from the generated rows. Private tags have no
/// entry here: their VR comes from the file (explicit VR) or is UN (implicit VR), PS3.5 7.8.
/// </summary>
public sealed partial class DicomDictionary
{
    private readonly FrozenDictionary<uint, DicomDictionaryEntry> _exact;
    private readonly DicomDictionaryEntry[] _repeating;
    private readonly FrozenDictionary<string, DicomDictionaryEntry> _byKeyword;

    private DicomDictionary()
    {
        var exact = new Dictionary<uint, DicomDictionaryEntry>();
        var repeating = new List<DicomDictionaryEntry>();
        foreach (var row in StandardRows)
        {
            var entry = ParseRow(row.Tag, row.VR, row.VM, row.Keyword, row.Name, row.Retired);
            if (entry.IsRepeating) repeating.Add(entry);
            else exact[entry.Tag.Value] = entry;
        }
        _exact = exact.ToFrozenDictionary();
        _repeating = [.. repeating];
        _byKeyword = exact.Values.Concat(repeating).Where(e => e.Keyword.Length > 0)
            .ToFrozenDictionary(e => e.Keyword, StringComparer.Ordinal);
    }

    /// <summary>The dictionary of the standard edition recorded in DicomDictionary.Generated.cs.</summary>
    public static DicomDictionary Standard => LazyStandard.Value;

    // Built on first use, after every static field (including the generated rows in the other part) is set.
    private static readonly Lazy<DicomDictionary> LazyStandard = new(() => new DicomDictionary());

    /// <summary>Number of rows (exact and repeating).</summary>
    public int Count => _exact.Count + _repeating.Length;

    /// <summary>The entry for a tag, including repeating groups (50xx, 60xx, 7Fxx, ...); null when unknown or private.</summary>
    public DicomDictionaryEntry? Find(DicomTag tag)
    {
        if (_exact.TryGetValue(tag.Value, out var e)) return e;
        if (tag.IsPrivate) return null;
        foreach (var r in _repeating)
            if (r.Matches(tag)) return r;
        return null;
    }

    /// <summary>The entry for a PS3.6 keyword, e.g. "PatientName".</summary>
    public DicomDictionaryEntry? Find(string keyword) => _byKeyword.GetValueOrDefault(keyword);

    /// <summary>
    /// The VR to use for a tag when the data does not say (implicit VR, PS3.5 A.1): group lengths are UL, private
    /// creators LO, dictionary entries their first VR, everything else UN.
    /// </summary>
    public DicomVR ImplicitVR(DicomTag tag)
    {
        if (tag.IsGroupLength) return DicomVR.UL;
        if (tag.IsPrivateCreator) return DicomVR.LO;
        return Find(tag)?.VR ?? DicomVR.UN;
    }

    /// <summary>Keyword of a tag, or "" when unknown.</summary>
    public string KeywordOf(DicomTag tag) => Find(tag)?.Keyword ?? "";

    private static DicomDictionaryEntry ParseRow(string pattern, string vrs, string vm, string keyword, string name, bool retired)
    {
        uint value = 0, mask = 0;
        foreach (var c in pattern)
        {
            value <<= 4;
            mask <<= 4;
            if (c is 'x' or 'X') continue;
            value |= uint.Parse(c.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            mask |= 0xF;
        }
        // PS3.5 7.6: repeating groups are even groups only; the mask keeps bit 0 of the group so odd groups never match.
        if ((mask & 0x00FF0000) != 0x00FF0000) mask |= 0x00010000;
        var list = vrs.Length == 0 ? [] : vrs.Split('|').Select(DicomVR.Parse).ToArray();
        return new DicomDictionaryEntry(DicomTag.FromValue(value), mask, list, vm, keyword, name, retired);
    }
}
