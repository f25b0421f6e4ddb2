using System.Text;
using System.Text.RegularExpressions;

namespace DataForge.Engine.Sources;

/// <summary>
/// A path pattern over '/' separated relative paths: <c>**</c> matches any number of whole
/// segments (zero included), <c>*</c> any run of characters within a segment, <c>?</c> one
/// character other than '/'. Matching is case-sensitive and anchored at both ends.
/// </summary>
public sealed class Glob
{
    /// <summary>Matches made by the interpreted expression before it is compiled.</summary>
    internal const int CompileAfter = 1000;

    // Interpreted first, compiled after CompileAfter matches: compiling costs a few milliseconds of start-up (it loads
    // Reflection.Emit and compiles the expression's code at run time), which only a tree of thousands of files pays back.
    // Both give the same answers; a race at the switch at worst compiles twice.
    private Regex _regex;
    private bool _compiled;
    private int _matches;

    public Glob(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        _regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>True when the relative path matches the whole pattern.</summary>
    public bool IsMatch(string relativePath)
    {
        if (!_compiled && Interlocked.Increment(ref _matches) == CompileAfter)
        {
            _regex = new Regex(ToRegex(Pattern), RegexOptions.CultureInvariant | RegexOptions.Compiled);
            _compiled = true;
        }
        return _regex.IsMatch(relativePath);
    }

    /// <summary>True once the expression has been compiled (for tests).</summary>
    internal bool IsCompiled => _compiled;

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var atSegmentStart = i == 0 || pattern[i - 1] == '/';
                var followedBySlash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                if (atSegmentStart && followedBySlash)
                {
                    regex.Append("(?:[^/]*/)*"); // "**/": zero or more whole folders
                    i += 2;
                }
                else
                {
                    regex.Append(".*"); // "**" elsewhere: anything, '/' included
                    i += 1;
                }
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return regex.Append('$').ToString();
    }

    public override string ToString() => Pattern;
}
