namespace DataForge.Release.Changes;

/// <summary>
/// A <see cref="ContentChange"/> and the number of changed files that show it; <see cref="Policy"/> names the
/// policy keys that changed between the releases and concern the same subject (e.g. <c>deidentify.overrides[PatientSex]</c>).
/// </summary>
public sealed record ContentChangeCount(string Kind, string Subject, string How, int Files, IReadOnlyList<string> Policy);
