namespace DataForge.Stages.Curate;

/// <summary>Which IOD a storage SOP class instantiates and which modules that IOD makes mandatory (generated from the standard's data).</summary>
public static partial class IodModules
{
    private static readonly Lazy<Dictionary<string, (string Iod, string[] Modules)>> BySop =
        new(() => CreateRows().ToDictionary(r => r.Sop, r => (r.Iod, r.Modules), StringComparer.Ordinal));

    /// <summary>The IOD and its mandatory modules, or null for a SOP class the standard's data does not list.</summary>
    public static (string Iod, IReadOnlyList<string> Modules)? Of(string sopClassUid) =>
        BySop.Value.TryGetValue(sopClassUid, out var r) ? (r.Iod, r.Modules) : null;
}
