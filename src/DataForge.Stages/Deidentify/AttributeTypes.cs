using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// The Type (PS3.3 5.4) that an instance's IOD gives an attribute whose PS3.15 Table E.1-1 action is compound, for
/// <see cref="CompoundActions"/>: the strongest over the modules of the IOD that hold it (1C counts as 1, 2C as 2).
/// Generated (AttributeTypes.Generated.cs) from the standard's IODs and GDCM's module tables; modules newer than
/// those tables hold nothing here, so for an IOD with such a module an attribute no known module holds has no Type.
/// </summary>
public static partial class AttributeTypes
{
    private static readonly Lazy<Dictionary<string, string>> IodBySop =
        new(() => SopRows().ToDictionary(r => r.Sop, r => r.Iod, StringComparer.Ordinal));

    private static readonly Lazy<Dictionary<string, (bool Complete, Dictionary<uint, byte> Types)>> ByIod =
        new(() => IodRows().ToDictionary(r => r.Iod, r => (r.Complete, r.Types.ToDictionary(t => t.Tag, t => t.Type)), StringComparer.Ordinal));

    /// <summary>The IOD id of a storage SOP class, or null when the standard's data does not list it.</summary>
    public static string? IodOf(string? sopClassUid) =>
        sopClassUid is not null && IodBySop.Value.TryGetValue(sopClassUid.Trim().TrimEnd('\0'), out var iod) ? iod : null;

    /// <summary>
    /// 1, 2 or 3 for a compound-action attribute at the top level of an instance of the IOD; 3 as well when every module of
    /// the IOD is known and none holds it (it is not part of the IOD); null when that cannot be said.
    /// </summary>
    public static int? Of(string? iod, DicomTag tag)
    {
        if (iod is null || !ByIod.Value.TryGetValue(iod, out var row)) return null;
        if (row.Types.TryGetValue(tag.Value, out var type)) return type;
        return row.Complete ? 3 : null;
    }
}
