namespace DataForge.Manifest;

/// <summary>
/// Paths into the manifest tree in the form JSON Schema validators report them:
/// <c>sources[1].path</c> (without the leading <c>#/</c>). The empty string is the root.
/// </summary>
public static class ManifestPath
{
    public static string Property(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Strips NJsonSchema's <c>#/</c> prefix.</summary>
    public static string FromSchemaPath(string? schemaPath)
    {
        if (string.IsNullOrEmpty(schemaPath)) return "";
        return schemaPath.StartsWith("#/", StringComparison.Ordinal) ? schemaPath[2..] : schemaPath.TrimStart('#');
    }

    /// <summary>The path of the enclosing mapping or sequence, or null for the root.</summary>
    public static string? Parent(string path)
    {
        if (path.Length == 0) return null;
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
