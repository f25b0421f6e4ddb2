using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Resolves the compound actions of PS3.15 Table E.1-1 (E.1.1: X/Z, X/D, Z/D, X/Z/D, X/Z/U*) by the attribute's Type in
/// the instance's IOD (<see cref="AttributeTypes"/>): removed (X) when it is Type 3 in every module of the IOD that
/// holds it, emptied (Z) when Type 2, a dummy (D, or U for the UIDs of a reference sequence) only when Type 1. Where the
/// Type is not known (inside a sequence item, a SOP class the standard's data does not list, an attribute only a module
/// newer than the module tables could hold) the attribute is kept with the least the action allows that cannot make a
/// required attribute go missing: Z for X/Z and Z/D, D for X/D and X/Z/D, U for X/Z/U*.
/// </summary>
public static class CompoundActions
{
    /// <summary>True for the compound codes.</summary>
    public static bool IsCompound(ProfileAction action) => action is ProfileAction.RemoveOrEmpty or ProfileAction.RemoveOrDummy
        or ProfileAction.EmptyOrDummy or ProfileAction.RemoveEmptyOrDummy or ProfileAction.RemoveEmptyOrUid;

    /// <summary>The simple action for an attribute; <paramref name="type"/> is its Type in the IOD (1, 2, 3) or null when unknown.</summary>
    public static ProfileAction Resolve(ProfileAction action, int? type) => (action, type) switch
    {
        (ProfileAction.RemoveOrEmpty, 3) => ProfileAction.Remove,
        (ProfileAction.RemoveOrEmpty, _) => ProfileAction.Empty,
        (ProfileAction.RemoveOrDummy, 3) => ProfileAction.Remove,
        // X/D offers no Z: a Type 2 attribute must stay present, so it gets the dummy.
        (ProfileAction.RemoveOrDummy, _) => ProfileAction.Dummy,
        (ProfileAction.EmptyOrDummy, 1 or null) => ProfileAction.Dummy,
        (ProfileAction.EmptyOrDummy, _) => ProfileAction.Empty,
        (ProfileAction.RemoveEmptyOrDummy, 3) => ProfileAction.Remove,
        (ProfileAction.RemoveEmptyOrDummy, 2) => ProfileAction.Empty,
        (ProfileAction.RemoveEmptyOrDummy, _) => ProfileAction.Dummy,
        (ProfileAction.RemoveEmptyOrUid, 3) => ProfileAction.Remove,
        (ProfileAction.RemoveEmptyOrUid, 2) => ProfileAction.Empty,
        (ProfileAction.RemoveEmptyOrUid, _) => ProfileAction.Uid,
        _ => action,
    };

    /// <summary>The table's code of a compound action ("X/Z/D").</summary>
    public static string Code(ProfileAction action) => action switch
    {
        ProfileAction.RemoveOrEmpty => "X/Z",
        ProfileAction.RemoveOrDummy => "X/D",
        ProfileAction.EmptyOrDummy => "Z/D",
        ProfileAction.RemoveEmptyOrDummy => "X/Z/D",
        ProfileAction.RemoveEmptyOrUid => "X/Z/U*",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a compound action"),
    };

    /// <summary>How a resolution is reported: "X/Z/D as X (Type 3)", "X/Z/D as D (Type unknown)".</summary>
    public static string Describe(ProfileAction compound, ProfileAction chosen, int? type) =>
        $"{Code(compound)} as {Letter(chosen)} (Type {(type is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")})";

    private static string Letter(ProfileAction action) => action switch
    {
        ProfileAction.Remove => "X",
        ProfileAction.Empty => "Z",
        ProfileAction.Dummy => "D",
        ProfileAction.Uid => "U",
        _ => action.ToString(),
    };

    /// <summary>The action for a present attribute: compound codes resolved by the Type of the tag in the IOD, at the top level only.</summary>
    public static ProfileAction For(ProfileAction action, string? iod, DicomTag tag, bool topLevel, out int? type)
    {
        type = null;
        if (!IsCompound(action)) return action;
        type = topLevel ? AttributeTypes.Of(iod, tag) : null;
        return Resolve(action, type);
    }
}
