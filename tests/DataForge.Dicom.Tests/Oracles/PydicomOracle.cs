using System.Text.Json;
using DataForge.Testing;

namespace DataForge.Dicom.Tests.Oracles;

/// <summary>Runs Oracles/pydicom_canonical.py once over every oracle file and keeps its canonical JSON per file.</summary>
public static class PydicomOracle
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Dumps = new(Load);

    private static readonly Lazy<bool> Available = new(() =>
        File.Exists(Oracle.DebianPython) && Oracle.Run(Oracle.DebianPython, ["-c", "import pydicom"]).ExitCode == 0);

    /// <summary>The script beside this source file in the repository.</summary>
    public static string Script => Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Dicom.Tests", "Oracles", "pydicom_canonical.py");

    /// <summary>Skips (or fails under CI) unless Debian's python3 has pydicom; checked once per test run.</summary>
    public static void Require()
    {
        if (!Available.Value) Oracle.RequirePython("pydicom");
    }

    /// <summary>pydicom's canonical dump of a file (skips, or fails under CI, when pydicom is missing).</summary>
    public static JsonElement Dump(string file)
    {
        // Checking the import costs a Python start-up: do it once, and let Oracle skip (or fail under CI) when missing.
        if (!Available.Value) Oracle.RequirePython("pydicom");
        return Dumps.Value.TryGetValue(file, out var dump) ? dump
            : throw new InvalidOperationException($"pydicom_canonical.py printed no line for {file} ({Dumps.Value.Count} lines in all)");
    }

    private static IReadOnlyDictionary<string, JsonElement> Load()
    {
        var result = Oracle.Run(Oracle.DebianPython, [Script, .. OracleFiles.All], timeout: TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0) throw new InvalidOperationException("pydicom_canonical.py failed: " + result.StandardError);
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var doc = JsonDocument.Parse(line).RootElement.Clone();
            map[doc.GetProperty("file").GetString()!] = doc;
        }
        return map;
    }
}
