using System.Text.RegularExpressions;

namespace DataForge.Manifest.Model;

/// <summary>
/// Who an image of a NIfTI or Analyze source belongs to, read from its source-relative path: a NIfTI
/// file has no patient header. The manifest's <c>subject:</c> is a regular expression with a named group
/// <c>subject</c> and optionally <c>session</c>; without one, BIDS folders (<c>sub-LABEL/[ses-LABEL/]</c>)
/// are expected. The subject is the whole matched text (<c>sub-01</c>, as BIDS participants.tsv writes
/// participant_id), so label tables keyed by it find the subject.
/// </summary>
public sealed class SubjectPattern
{
    /// <summary>BIDS: a <c>sub-</c> folder, then optionally a <c>ses-</c> folder (labels are alphanumeric, BIDS 1.9 appendix "Entities").</summary>
    public const string Bids = @"(?:^|/)(?<subject>sub-[A-Za-z0-9]+)/(?:(?<session>ses-[A-Za-z0-9]+)/)?";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly Regex _regex;

    private SubjectPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>The expression as the manifest writes it (or <see cref="Bids"/>).</summary>
    public string Text { get; }

    /// <summary>True when the expression is the BIDS default.</summary>
    public bool IsBids => Text == Bids;

    /// <summary>The pattern of a source: its <c>subject:</c>, else BIDS.</summary>
    public static SubjectPattern For(SourceSpec source) => Parse(source.Subject ?? Bids);

    /// <summary>Compiles an expression; throws <see cref="ArgumentException"/> saying what is wrong (without the text).</summary>
    public static SubjectPattern Parse(string text)
    {
        Regex regex;
        try
        {
            regex = new Regex(text, RegexOptions.CultureInvariant, Timeout);
        }
        catch (RegexParseException e)
        {
            throw new ArgumentException($"not a valid regular expression: {Describe(e.Error)} at character {e.Offset}", e);
        }
        if (!regex.GetGroupNames().Contains("subject"))
            throw new ArgumentException("the expression needs a named group (?<subject>...) that captures the subject");
        return new SubjectPattern(text, regex);
    }

    /// <summary>The subject and session of a source-relative path (with '/' separators), or null when the path does not match.</summary>
    public (string Subject, string? Session)? Match(string relativePath)
    {
        Match m;
        try
        {
            m = _regex.Match(relativePath);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        if (!m.Success || m.Groups["subject"] is not { Success: true, Length: > 0 } subject) return null;
        var session = m.Groups["session"] is { Success: true, Length: > 0 } s ? s.Value : null;
        return (subject.Value, session);
    }

    private static string Describe(RegexParseError error) =>
        // InsufficientClosingParentheses -> insufficient closing parentheses
        string.Concat(error.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
