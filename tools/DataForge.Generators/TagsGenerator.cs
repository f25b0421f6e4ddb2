using System.Text;

namespace DataForge.Generators;

/// <summary>Writes DicomTags.Generated.cs: a named constant per keyword of PS3.6.</summary>
public static class TagsGenerator
{
    public static string Generate(IReadOnlyList<AttributeRow> rows, string source)
    {
        var sb = new StringBuilder();
        sb.Append(SourceNote.Header(source, "Named DICOM tags, one per PS3.6 keyword."));
        sb.Append("namespace DataForge.Dicom;\n\n");
        sb.Append("public static partial class DicomTags\n{\n");
        foreach (var r in rows)
        {
            if (r.Keyword.Length == 0) continue;
            // Repeating groups (PS3.5 7.6) are named by their first group: 50xx -> 5000, 60xx -> 6000.
            var p = r.Pattern.Replace('x', '0');
            sb.Append("    /// <summary>").Append(r.Tag).Append(' ').Append(Xml(r.Name)).Append(", VR ").Append(r.VR.Length == 0 ? "-" : Xml(r.VR))
              .Append(", VM ").Append(r.VM).Append(r.Retired ? " (retired)" : "").Append("</summary>\n");
            sb.Append("    public static readonly DicomTag ").Append(r.Keyword).Append(" = new(0x").Append(p[..4].ToUpperInvariant())
              .Append(", 0x").Append(p[4..].ToUpperInvariant()).Append(");\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
