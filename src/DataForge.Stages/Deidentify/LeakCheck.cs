namespace DataForge.Stages.Deidentify;

/// <summary>
/// What the <see cref="LeakGate"/> looks for in one output: whole values that were removed or replaced
/// (names in their written forms, IDs, dates, UIDs, identifying text, the identifying parts of the source file's
/// path and of file-set paths it held) and the components of removed names.
/// </summary>
public sealed record LeakCheck(IReadOnlySet<string> Values, IReadOnlySet<string> NameParts)
{
    /// <summary>Nothing to look for.</summary>
    public static LeakCheck None { get; } = new(new HashSet<string>(), new HashSet<string>());

    /// <summary>This check with more whole values to look for (this one itself when there are none).</summary>
    public LeakCheck WithValues(IReadOnlyCollection<string> more)
    {
        if (more.Count == 0 || more.All(Values.Contains)) return this;
        var values = new HashSet<string>(Values, StringComparer.Ordinal);
        values.UnionWith(more);
        return this with { Values = values };
    }
}
