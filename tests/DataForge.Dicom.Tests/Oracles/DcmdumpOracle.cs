using DataForge.Testing;

namespace DataForge.Dicom.Tests.Oracles;

/// <summary>Runs dcmdump once over every oracle file and records which files it fails to read.</summary>
public static class DcmdumpOracle
{
    private static readonly Lazy<IReadOnlySet<string>> Failures = new(Load);

    /// <summary>True when dcmdump reports an error reading the file (skips, or fails under CI, without dcmtk).</summary>
    public static bool Rejects(string file)
    {
        Oracle.Require("dcmdump");
        return Failures.Value.Contains(file);
    }

    private static IReadOnlySet<string> Load()
    {
        var result = Oracle.Run(Oracle.Require("dcmdump"), [.. OracleFiles.All], timeout: TimeSpan.FromMinutes(2));
        // dcmdump ends each failed file with "E: dcmdump: <reason>: reading file: <path>".
        const string marker = "reading file: ";
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (result.StandardError + "\n" + result.StandardOutput).Split('\n'))
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (line.StartsWith("E:", StringComparison.Ordinal) && at >= 0) failed.Add(line[(at + marker.Length)..].Trim());
        }
        return failed;
    }
}
