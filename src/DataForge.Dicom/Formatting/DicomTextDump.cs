using System.Globalization;
using System.Text;
using DataForge.Dicom.Dictionary;

namespace DataForge.Dicom.Formatting;

/// <summary>
/// A readable dump in the manner of dcmdump: one line per element with tag, VR, value, length, VM and keyword;
/// sequence items indented. Long values are cut at <see cref="MaxValueChars"/> characters.
/// </summary>
public static class DicomTextDump
{
    /// <summary>Characters of a value shown before it is cut with "...".</summary>
    public const int MaxValueChars = 64;

    /// <summary>Writes the meta information and the dataset of a file.</summary>
    public static void Write(TextWriter writer, DicomFile file)
    {
        writer.WriteLine("# File meta information");
        Write(writer, file.Meta);
        writer.WriteLine();
        writer.WriteLine($"# Dataset ({file.TransferSyntax.Name})");
        Write(writer, file.Dataset);
    }

    /// <summary>Writes a dataset, items indented by two spaces per level.</summary>
    public static void Write(TextWriter writer, DicomDataset dataset, int depth = 0)
    {
        var indent = new string(' ', depth * 2);
        foreach (var a in dataset)
        {
            var keyword = Keyword(a.Tag, dataset);
            switch (a)
            {
                case DicomSequence s:
                    writer.WriteLine($"{indent}{Tag(a.Tag)} SQ ({s.Items.Count} item{(s.Items.Count == 1 ? "" : "s")})  # {keyword}");
                    for (var i = 0; i < s.Items.Count; i++)
                    {
                        writer.WriteLine($"{indent}  (fffe,e000) na (Item #{i + 1})");
                        Write(writer, s.Items[i], depth + 2);
                    }
                    break;
                case DicomFragmentSequence f:
                    writer.WriteLine($"{indent}{Tag(a.Tag)} {a.VR} (encapsulated, offset table {f.OffsetTable.Length} bytes, {f.Fragments.Count} fragments)  # {keyword}");
                    for (var i = 0; i < f.Fragments.Count; i++)
                        writer.WriteLine($"{indent}  (fffe,e000) pi (fragment #{i + 1}, {f.Fragments[i].Length} bytes)");
                    break;
                case DicomElement e:
                    var (value, vm) = Value(e, dataset);
                    writer.WriteLine($"{indent}{Tag(a.Tag)} {a.VR} {value}  # {e.Length}, {vm} {keyword}");
                    break;
            }
        }
    }

    private static string Tag(DicomTag t) => $"({t.Group:x4},{t.Element:x4})";

    private static string Keyword(DicomTag tag, DicomDataset owner)
    {
        if (tag.IsPrivateCreator) return "PrivateCreator";
        if (tag.IsPrivate) return owner.GetPrivateCreator(tag) is { } c ? $"Private [{c}]" : "Private";
        if (tag.IsGroupLength) return "GroupLength";
        return DicomDictionary.Standard.Find(tag)?.Keyword is { Length: > 0 } k ? k : "Unknown";
    }

    private static (string Value, int VM) Value(DicomElement e, DicomDataset owner)
    {
        if (e.Length == 0) return ("(no value)", 0);
        var vr = e.VR;
        if (vr.IsString)
        {
            var values = DicomDataset.DecodeStrings(e, owner.CharacterSet);
            return ("[" + Cut(string.Join('\\', values)) + "]", values.Count);
        }
        if (vr == DicomVR.AT)
            return (Cut(string.Join('\\', Enumerable.Range(0, e.BinaryCount).Select(i => Tag(e.GetTag(i))))), e.BinaryCount);
        if (vr.Kind == VRKind.Number)
            return (Cut(string.Join('\\', Enumerable.Range(0, e.BinaryCount).Select(i => e.GetNumber(i).ToString(CultureInfo.InvariantCulture)))), e.BinaryCount);
        var hex = new StringBuilder();
        var unit = vr == DicomVR.OW ? 2 : 1;
        for (var i = 0; i + unit <= e.Length && hex.Length <= MaxValueChars; i += unit)
        {
            if (hex.Length > 0) hex.Append('\\');
            hex.Append(unit == 2 ? BitConverter.ToUInt16(e.Span[i..]).ToString("x4", CultureInfo.InvariantCulture) : e.Span[i].ToString("x2", CultureInfo.InvariantCulture));
        }
        return (Cut(hex.ToString()), 1);
    }

    private static string Cut(string s) => s.Length <= MaxValueChars ? s : s[..MaxValueChars] + "...";
}
