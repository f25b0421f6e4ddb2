using System.Text.Json;

namespace DataForge.Generators;

/// <summary>One row of the PS3.6 data dictionary as extracted in attributes.json.</summary>
public sealed record AttributeRow(string Tag, string Name, string Keyword, string VR, string VM, bool Retired)
{
    /// <summary>The tag as eight hex digits where repeating-group digits are 'x' (e.g. "50xx0010").</summary>
    public string Pattern => (Tag.Substring(1, 4) + Tag.Substring(6, 4)).ToLowerInvariant();

    /// <summary>Loads every row, sorted by tag pattern so the output is deterministic.</summary>
    public static IReadOnlyList<AttributeRow> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var rows = new List<AttributeRow>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string S(string name) => e.TryGetProperty(name, out var p) ? p.GetString() ?? "" : "";
            var tag = S("tag");
            if (tag.Length != 11 || tag[0] != '(' || tag[5] != ',' || tag[10] != ')')
                throw new InvalidDataException($"{path}: unexpected tag '{tag}'");
            rows.Add(new AttributeRow(tag, S("name"), S("keyword"), S("valueRepresentation"), S("valueMultiplicity"),
                S("retired") == "Y"));
        }
        return rows.OrderBy(r => r.Pattern, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The VR codes of the row: "US or SS" gives two; the item/delimitation rows ("See Note 2") and the
    /// rows without a VR give none.
    /// </summary>
    public IReadOnlyList<string> VRCodes =>
        VR.Split(" or ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
          .Where(v => v.Length == 2 && char.IsAsciiLetterUpper(v[0]) && char.IsAsciiLetterUpper(v[1]))
          .ToList();
}
