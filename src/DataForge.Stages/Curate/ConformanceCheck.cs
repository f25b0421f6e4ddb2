using System.Globalization;
using System.Text.RegularExpressions;
using DataForge.Dicom;
using DataForge.Dicom.Dictionary;

namespace DataForge.Stages.Curate;

/// <summary>
/// Conformance of an instance's dataset: the Type 1 (present, not empty) and Type 2 (present) attributes of
/// the mandatory modules of its IOD (<see cref="IodModules"/>, <see cref="ModuleAttributes"/>), and every
/// standard top-level value against its VR (PS3.5 6.2: characters, format, length) and the VM of the PS3.6
/// dictionary. Reasons name the attribute and the rule, never the value.
/// </summary>
internal static partial class ConformanceCheck
{
    /// <summary>Adds a finding per missing required attribute and per value that breaks its VR or VM.</summary>
    public static void Run(DicomDataset ds, List<Finding> findings)
    {
        void Fail(string reason) => findings.Add(new Finding(CurationCheck.Conformance, reason));
        var sopClass = ds.GetString(DicomTags.SOPClassUID)?.Trim() ?? "";
        var modules = IodModules.Of(sopClass)?.Modules ?? ["sop-common"];
        var seen = new HashSet<DicomTag>();
        foreach (var module in modules)
        {
            if (!ModuleAttributes.Modules.TryGetValue(module, out var table)) continue;
            foreach (var (tag, name, type) in table.Attributes)
            {
                if (!seen.Add(tag)) continue;
                var attribute = ds.Get(tag);
                if (attribute is null)
                    Fail($"{name} {tag} is missing (Type {type}, PS3.3 {table.Section})");
                else if (type == 1 && attribute is DicomElement { Length: 0 })
                    Fail($"{name} {tag} is empty (Type 1, PS3.3 {table.Section})");
            }
        }
        foreach (var attribute in ds)
        {
            if (attribute is not DicomElement element || element.Length == 0 || element.Tag.IsPrivate || element.Tag.Group == 0x0002) continue;
            if (DicomDictionary.Standard.Find(element.Tag) is not { } entry) continue;
            var label = $"{entry.Name} {element.Tag}";
            if (element.VR.IsString)
            {
                var values = ds.GetStrings(element.Tag);
                for (var i = 0; i < values.Count; i++)
                    if (ValueProblem(element.VR, values[i]) is { } problem) Fail($"{label} value {i + 1} is not a valid {element.VR.Code}: {problem}");
                if (element.VR.IsMultiValued && VmProblem(entry.ValueMultiplicity, values.Count) is { } vm) Fail($"{label} has {values.Count} values, VM is {vm}");
            }
            else if (element.VR.IsBinaryNumber && element.VR.Kind == VRKind.Number)
            {
                if (element.Length % element.VR.UnitSize != 0) Fail($"{label} length {element.Length} is not a multiple of {element.VR.UnitSize} ({element.VR.Code})");
                else if (VmProblem(entry.ValueMultiplicity, element.BinaryCount) is { } vm) Fail($"{label} has {element.BinaryCount} values, VM is {vm}");
            }
        }
    }

    /// <summary>Null when a count fits a PS3.6 VM ("1", "1-3", "1-n", "2-2n", "3-3n"), else the VM.</summary>
    internal static string? VmProblem(string vm, int count)
    {
        var m = VmPattern().Match(vm);
        if (!m.Success) return null;
        var low = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (m.Groups[2].Success)
        {
            var high = m.Groups[2].Value;
            if (high.EndsWith('n'))
            {
                var step = high.Length == 1 ? 1 : int.Parse(high[..^1], CultureInfo.InvariantCulture);
                return count >= low && count % step == 0 ? null : vm;
            }
            return count >= low && count <= int.Parse(high, CultureInfo.InvariantCulture) ? null : vm;
        }
        return count == low ? null : vm;
    }

    /// <summary>Why one text value breaks its VR (PS3.5 Table 6.2-1), or null. Leading/trailing spaces are padding.</summary>
    internal static string? ValueProblem(DicomVR vr, string raw)
    {
        var value = vr == DicomVR.UI ? raw.TrimEnd('\0', ' ') : raw.Trim(' ');
        if (value.Length == 0) return null;
        if (vr.MaxLength != uint.MaxValue && vr != DicomVR.PN && value.Length > vr.MaxLength) return $"longer than {vr.MaxLength} characters";
        return vr.Code switch
        {
            "UI" => UidPattern().IsMatch(value) ? null : "a UID is digits and dots, with no leading zero in a component",
            "DA" => DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "a date is YYYYMMDD",
            "TM" => TimePattern().IsMatch(value) ? null : "a time is HH[MM[SS[.F{1,6}]]]",
            "CS" => CodeStringPattern().IsMatch(value) ? null : "a code string holds upper-case letters, digits, space and '_'",
            "DS" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && !value.Contains(' ') ? null : "not a decimal number",
            "IS" => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= int.MinValue and <= int.MaxValue ? null : "not a 32-bit integer",
            "AS" => AgePattern().IsMatch(value) ? null : "an age is nnnD, nnnW, nnnM or nnnY",
            "PN" => value.Split('=').Any(g => g.Length > 64) ? "a component group is longer than 64 characters" : null,
            _ => value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t' or '\f' or '\u001b')) ? "holds a control character" : null,
        };
    }

    [GeneratedRegex(@"^(\d+)(?:-(\d*n|\d+))?$")]
    private static partial Regex VmPattern();

    [GeneratedRegex(@"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")]
    private static partial Regex UidPattern();

    [GeneratedRegex(@"^([01][0-9]|2[0-3])([0-5][0-9]([0-5][0-9](\.[0-9]{1,6})?)?)?$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[A-Z0-9 _]+$")]
    private static partial Regex CodeStringPattern();

    [GeneratedRegex(@"^[0-9]{3}[DWMY]$")]
    private static partial Regex AgePattern();
}
