using DataForge.Testing;

namespace DataForge.Imaging.Tests.Oracles;

/// <summary>nibabel's reading of every image shipped in its test data, dumped once per test run (one Python start).</summary>
public static class ShippedImages
{
    private static readonly Lazy<IReadOnlyDictionary<string, NibabelImage>> Dumped = new(() =>
        Nibabel.Dump(Files()).ToDictionary(i => Path.GetFileName(i.Path)));

    /// <summary>NIfTI and Analyze files in nibabel's test data (.nii, .nii.gz, .hdr), sorted.</summary>
    public static IReadOnlyList<string> Files() =>
        TestData.FilesUnder(Nibabel.TestDataFolder, "*")
            .Where(f => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal)
                || f.EndsWith(".hdr", StringComparison.Ordinal))
            .ToList();

    /// <summary>What nibabel read from the shipped file with this name; call Oracle.RequirePython first.</summary>
    public static NibabelImage Get(string fileName) => Dumped.Value[fileName];
}
