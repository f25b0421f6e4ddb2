using System.Text.RegularExpressions;

namespace DataForge.Stages.Deidentify;

/// <summary>
/// Syntax of the attribute names that de-identification overrides accept. Whether a keyword exists
/// in the DICOM dictionary is checked by <see cref="DeidentifyModule"/>, beside it.
/// </summary>
public static partial class TagSyntax
{
    /// <summary>A keyword, a tag <c>(gggg,eeee)</c> with or without parentheses, or <c>CREATOR,gggg,xxee</c>.</summary>
    public static bool IsValid(string text) => Keyword().IsMatch(text) || Tag().IsMatch(text) || Private().IsMatch(text);

    /// <summary>True for a keyword such as PatientAge.</summary>
    public static bool IsKeyword(string text) => Keyword().IsMatch(text);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex Keyword();

    [GeneratedRegex(@"^\(?[0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\)?$")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[^,\\]{1,64},[0-9A-Fa-f]{3}[13579BDFbdf],[xX]{2}[0-9A-Fa-f]{2}$")]
    private static partial Regex Private();
}
