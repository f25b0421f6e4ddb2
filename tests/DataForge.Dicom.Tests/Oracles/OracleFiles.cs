using DataForge.Testing;
using Xunit;

namespace DataForge.Dicom.Tests.Oracles;

/// <summary>The DICOM files shipped by Debian's python3-pydicom and python3-nibabel, the corpus of the oracle tests.</summary>
public static class OracleFiles
{
    private const string PydicomFolder = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private const string NibabelFolder = "/usr/lib/python3/dist-packages/nibabel";

    private static readonly string[] NotDicom = [".txt", ".json", ".gz", ".dump", ".py", ".pyc", ".bz2", ".zip"];

    /// <summary>Every candidate file (absolute paths, sorted): pydicom's test files with or without extension, nibabel's *.dcm.</summary>
    public static IReadOnlyList<string> All { get; } = Collect();

    /// <summary>The files as xunit theory data (paths relative to a package folder, for readable test names).</summary>
    public static TheoryData<string> Data()
    {
        var data = new TheoryData<string>();
        foreach (var f in All) data.Add(ShortName(f));
        return data;
    }

    /// <summary>"pydicom/CT_small.dcm" or "nibabel/nicom/tests/data/0.dcm" for a path of the corpus.</summary>
    public static string ShortName(string path) =>
        path.StartsWith(PydicomFolder, StringComparison.Ordinal) ? "pydicom" + path[PydicomFolder.Length..]
        : path.StartsWith(NibabelFolder, StringComparison.Ordinal) ? "nibabel" + path[NibabelFolder.Length..] : path;

    /// <summary>The absolute path of a short name.</summary>
    public static string Resolve(string name) =>
        name.StartsWith("pydicom/", StringComparison.Ordinal) ? PydicomFolder + name["pydicom".Length..]
        : name.StartsWith("nibabel/", StringComparison.Ordinal) ? NibabelFolder + name["nibabel".Length..] : name;

    private static List<string> Collect()
    {
        var files = TestData.FilesUnder(PydicomFolder, "*")
            .Where(f => !NotDicom.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal))
            .Concat(TestData.FilesUnder(NibabelFolder, "*.dcm"))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
