using System.Text;

namespace DataForge.Generators;

/// <summary>Writes DicomDictionary.Generated.cs: one row per PS3.6 attribute.</summary>
public static class DictionaryGenerator
{
    public static string Generate(IReadOnlyList<AttributeRow> rows, string source)
    {
        var sb = new StringBuilder();
        sb.Append(SourceNote.Header(source, "DICOM data dictionary (tag, VR, VM, keyword, name, retired)."));
        sb.Append("namespace DataForge.Dicom.Dictionary;\n\n");
        sb.Append("public sealed partial class DicomDictionary\n{\n");
        sb.Append("    /// <summary>Rows of PS3.6: tag pattern (x = repeating digit), VRs (\"US|SS\"), VM, keyword, name, retired.</summary>\n");
        sb.Append("    private static readonly (string Tag, string VR, string VM, string Keyword, string Name, bool Retired)[] StandardRows =\n    [\n");
        foreach (var r in rows)
        {
            sb.Append("        (\"").Append(r.Pattern).Append("\", \"").Append(string.Join('|', r.VRCodes)).Append("\", \"")
              .Append(Escape(r.VM)).Append("\", \"").Append(Escape(r.Keyword)).Append("\", \"").Append(Escape(r.Name))
              .Append("\", ").Append(r.Retired ? "true" : "false").Append("),\n");
        }
        sb.Append("    ];\n}\n");
        return sb.ToString();
    }

    internal static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
