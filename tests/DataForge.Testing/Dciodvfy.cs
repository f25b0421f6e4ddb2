using System.Text.RegularExpressions;

namespace DataForge.Testing;

/// <summary>dicom3tools' IOD verifier as an oracle: the errors it reports on a file, comparable across files.</summary>
public static partial class Dciodvfy
{
    /// <summary>
    /// The error lines <c>dciodvfy -new</c> prints for <paramref name="file"/>, with values blanked: the
    /// kind of error and the attribute, not UIDs and dates, which de-identification changes by design.
    /// </summary>
    public static HashSet<string> Errors(string dciodvfy, string file)
    {
        var run = Oracle.Run(dciodvfy, ["-new", file]);
        return (run.StandardOutput + run.StandardError).Split('\n')
            .Where(l => l.StartsWith("Error", StringComparison.Ordinal))
            .Select(l => Values().Replace(l, "<value>"))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"<[^>]*>|\[[^\]]*\]|""[^""]*""")]
    private static partial Regex Values();
}
