namespace DataForge.Stages.Deidentify;

/// <summary>The action codes of PS3.15 Table E.1-1 (E.1.1), plus DataForge's override actions.</summary>
public enum ProfileAction
{
    /// <summary>K: keep (sequences are still de-identified inside).</summary>
    Keep,

    /// <summary>X: remove.</summary>
    Remove,

    /// <summary>Z: replace with a zero-length value (or a dummy consistent with the VR).</summary>
    Empty,

    /// <summary>D: replace with a non-zero-length dummy value consistent with the VR.</summary>
    Dummy,

    /// <summary>C: clean: replace with values of similar meaning that carry no identifying information.</summary>
    Clean,

    /// <summary>U: replace with a non-zero-length UID, consistent within the set of instances.</summary>
    Uid,

    /// <summary>X/Z: X unless Z is required to keep the IOD conformant (Type 2).</summary>
    RemoveOrEmpty,

    /// <summary>X/D: X unless D is required to keep the IOD conformant (Type 1).</summary>
    RemoveOrDummy,

    /// <summary>Z/D: Z unless D is required to keep the IOD conformant.</summary>
    EmptyOrDummy,

    /// <summary>X/Z/D: X unless Z or D is required to keep the IOD conformant.</summary>
    RemoveEmptyOrDummy,

    /// <summary>X/Z/U*: X unless Z or a replacement of the contained UIDs is required (reference sequences).</summary>
    RemoveEmptyOrUid,

    /// <summary>Override: replace with the value the manifest gives.</summary>
    Replace,

    /// <summary>Override: replace with a keyed hash of the value.</summary>
    Hash,

    /// <summary>Override: shift a date by the patient's offset.</summary>
    ShiftDate,
}

/// <summary>Parsing of the table's codes.</summary>
public static class ProfileActions
{
    public static ProfileAction Parse(string code) => code switch
    {
        "K" => ProfileAction.Keep,
        "X" => ProfileAction.Remove,
        "Z" => ProfileAction.Empty,
        "D" => ProfileAction.Dummy,
        "C" => ProfileAction.Clean,
        "U" => ProfileAction.Uid,
        "X/Z" => ProfileAction.RemoveOrEmpty,
        "X/D" => ProfileAction.RemoveOrDummy,
        "Z/D" => ProfileAction.EmptyOrDummy,
        "X/Z/D" => ProfileAction.RemoveEmptyOrDummy,
        "X/Z/U*" => ProfileAction.RemoveEmptyOrUid,
        _ => throw new ArgumentException($"unknown PS3.15 action code '{code}'", nameof(code)),
    };

    /// <summary>
    /// Resolves a compound action (PS3.15 E.1.1) for an attribute that is present. The choice between X,
    /// Z and D depends on the attribute's Type in the instance's IOD; the standard's data shipped with
    /// DataForge lists each IOD's modules but not the modules' attributes, so the Type is not known.
    /// DataForge then keeps the attribute with a dummy (D) or empty (Z) value: like X it drops the
    /// original value, and unlike X it cannot make a Type 1 or Type 2 attribute go missing.
    /// </summary>
    public static ProfileAction Resolve(ProfileAction action) => action switch
    {
        ProfileAction.RemoveOrEmpty => ProfileAction.Empty,
        ProfileAction.RemoveOrDummy or ProfileAction.EmptyOrDummy or ProfileAction.RemoveEmptyOrDummy => ProfileAction.Dummy,
        ProfileAction.RemoveEmptyOrUid => ProfileAction.Uid,
        _ => action,
    };
}
