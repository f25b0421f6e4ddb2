namespace DataForge.Release.Changes;

/// <summary>
/// One thing that differs inside a changed file, read from the two files' bytes: <see cref="Kind"/> says how the
/// file was read (<see cref="ContentChangeKinds"/>), <see cref="Subject"/> what differs (a DICOM keyword, a NIfTI
/// header field, "voxel data", a JSON member name), <see cref="How"/> in what way ("absent -> present",
/// "value changed", "3 -> 4 entries"). Never a value: an attribute the policy keeps may still be personal data.
/// </summary>
public sealed record ContentChange(string Kind, string Subject, string How)
{
    /// <summary>"Subject: how", as the diff prints it.</summary>
    public override string ToString() => $"{Subject}: {How}";
}
