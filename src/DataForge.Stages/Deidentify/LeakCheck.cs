namespace DataForge.Stages.Deidentify;

/// <summary>
/// What the <see cref="LeakGate"/> looks for in one output: whole values that were removed or replaced
/// (names in their written forms, IDs, dates, UIDs, identifying text) and the components of removed names.
/// </summary>
public sealed record LeakCheck(IReadOnlySet<string> Values, IReadOnlySet<string> NameParts)
{
    /// <summary>Nothing to look for.</summary>
    public static LeakCheck None { get; } = new(new HashSet<string>(), new HashSet<string>());
}
