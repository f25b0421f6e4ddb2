using System.Globalization;
using DataForge.Dicom;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// PS3.15 Table E.1-1 as data (generated into ConfidentialityProfile.Generated.cs): for a tag, the
/// Basic Profile action and each option's action. Repeating-group rows such as (50XX,XXXX) and
/// (60XX,3000) match any value of the x digits.
/// </summary>
public static partial class ConfidentialityProfile
{
    private static readonly Lazy<Lookup> Table = new(Build);

    /// <summary>The row for a tag, or null when the table does not list it.</summary>
    public static ProfileRow? Find(DicomTag tag)
    {
        var table = Table.Value;
        if (table.Exact.TryGetValue(tag.Value, out var row)) return row;
        foreach (var (value, mask, r) in table.Masked)
            if ((tag.Value & mask) == value) return r;
        return null;
    }

    /// <summary>Every row, in tag order.</summary>
    public static IReadOnlyList<ProfileRow> AllRows => Table.Value.All;

    private sealed record Lookup(Dictionary<uint, ProfileRow> Exact, List<(uint Value, uint Mask, ProfileRow Row)> Masked, List<ProfileRow> All);

    private static Lookup Build()
    {
        var exact = new Dictionary<uint, ProfileRow>();
        var masked = new List<(uint, uint, ProfileRow)>();
        var all = new List<ProfileRow>();
        foreach (var (tag, name, basic, options) in Rows)
        {
            var (value, mask) = ParsePattern(tag);
            var optionActions = new Dictionary<string, ProfileAction>(StringComparer.Ordinal);
            for (var i = 0; i < options.Length; i++)
                if (options[i] is { } code) optionActions[OptionColumns[i]] = ProfileActions.Parse(code);
            var row = new ProfileRow(tag, name, ProfileActions.Parse(basic), optionActions);
            all.Add(row);
            if (mask == 0xFFFFFFFF) exact[value] = row;
            else masked.Add((value, mask, row));
        }
        return new Lookup(exact, masked, all);
    }

    /// <summary>"(60XX,3000)" to value and mask: each X digit matches anything.</summary>
    internal static (uint Value, uint Mask) ParsePattern(string pattern)
    {
        var digits = pattern.Trim('(', ')').Replace(",", "", StringComparison.Ordinal);
        uint value = 0, mask = 0;
        foreach (var c in digits)
        {
            value <<= 4;
            mask <<= 4;
            if (c is 'X' or 'x') continue;
            value |= uint.Parse(c.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            mask |= 0xF;
        }
        return (value, mask);
    }
}

/// <summary>One row of Table E.1-1.</summary>
public sealed record ProfileRow(string Tag, string Name, ProfileAction Basic, IReadOnlyDictionary<string, ProfileAction> Options);
