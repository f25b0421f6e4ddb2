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
}
