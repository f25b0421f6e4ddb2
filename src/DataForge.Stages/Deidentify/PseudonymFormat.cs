using System.Globalization;
using System.Text.RegularExpressions;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// How a pseudonym is written: literal text around one placeholder, <c>{hash:N}</c> (the first N base-32
/// characters of the patient's keyed token) or <c>{seq:N}</c> (the patient's number in the vault,
/// zero-padded to N digits). The manifest's older <c>pseudonym_prefix: P</c> means <c>P{hash:10}</c>.
/// </summary>
public sealed partial class PseudonymFormat
{
    private PseudonymFormat(string text, string before, string after, bool sequential, int width)
    {
        Text = text;
        Before = before;
        After = after;
        IsSequential = sequential;
        Width = width;
    }

    /// <summary>The format as written in the manifest.</summary>
    public string Text { get; }

    /// <summary>Literal text before the placeholder.</summary>
    public string Before { get; }

    /// <summary>Literal text after the placeholder.</summary>
    public string After { get; }

    /// <summary>True for <c>{seq:N}</c>: numbers come from the vault's assignment table.</summary>
    public bool IsSequential { get; }

    /// <summary>N of the placeholder.</summary>
    public int Width { get; }

    /// <summary>Parses a format; throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static PseudonymFormat Parse(string text)
    {
        var m = Shape().Match(text);
        if (!m.Success)
            throw new ArgumentException($"pseudonym format '{text}' must hold one {{hash:N}} or {{seq:N}} between letters, digits and '-'");
        var width = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var sequential = m.Groups["kind"].Value == "seq";
        if (sequential ? width is < 1 or > 9 : width is < 6 or > 26)
            throw new ArgumentException(sequential ? "{seq:N} takes N from 1 to 9" : "{hash:N} takes N from 6 to 26 (fewer characters would let patients collide)");
        return new PseudonymFormat(text, m.Groups["before"].Value, m.Groups["after"].Value, sequential, width);
    }

    /// <summary>The format of <c>pseudonym_prefix</c>.</summary>
    public static PseudonymFormat FromPrefix(string prefix) => Parse(prefix + "{hash:10}");

    /// <summary>The pseudonym of a patient from its keyed token and, for <c>{seq:N}</c>, its number.</summary>
    public string Write(string token, int? number)
    {
        if (!IsSequential) return Before + token[..Width] + After;
        if (number is not { } n) throw new ArgumentException("a sequential pseudonym needs the patient's number");
        return Before + n.ToString(CultureInfo.InvariantCulture).PadLeft(Width, '0') + After;
    }

    [GeneratedRegex(@"^(?<before>[A-Za-z0-9-]{0,16})\{(?<kind>hash|seq):(?<n>[0-9]{1,2})\}(?<after>[A-Za-z0-9-]{0,16})$")]
    private static partial Regex Shape();
}
