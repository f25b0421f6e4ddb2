using DataForge.Testing;

namespace DataForge.Imaging.Tests.Oracles;

/// <summary>Runs nibabel_oracle.py with Debian's python3; skips (or fails under CI) without nibabel.</summary>
public static class Nibabel
{
    /// <summary>Where nibabel's own test images live in Debian's python3-nibabel.</summary>
    public const string TestDataFolder = "/usr/lib/python3/dist-packages/nibabel/tests/data";

    public static string Script => Path.Combine(TestData.RepositoryRoot, "tests", "DataForge.Imaging.Tests", "Oracles", "nibabel_oracle.py");

    /// <summary>Reads every file with nibabel, in order.</summary>
    public static IReadOnlyList<NibabelImage> Dump(IReadOnlyList<string> files)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        using var temp = new TempDirectory("nibabel-dump");
        Run(python, ["dump", temp.Path, .. files]);
        return files.Select((f, n) =>
        {
            var raw = temp.Combine($"{n}.raw");
            return NibabelImage.Load(f, File.ReadAllText(temp.Combine($"{n}.json")),
                File.Exists(raw) ? raw : null, File.Exists(raw) ? temp.Combine($"{n}.real") : null);
        }).ToList();
    }

    /// <summary>Writes nibabel's test set (every datatype, both byte orders, pairs, Analyze) into a folder.</summary>
    public static IReadOnlyList<string> Generate(string folder)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        return Run(python, ["generate", folder]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs a command of the script and returns its standard output.</summary>
    public static string Run(params string[] arguments)
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        return Run(python, arguments);
    }

    private static string Run(string python, IEnumerable<string> arguments)
    {
        var result = Oracle.Run(python, [Script, .. arguments]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"nibabel_oracle.py failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }
}
