namespace DataForge.Testing;

/// <summary>Where real test files shipped by Debian's packages live (pydicom, nibabel).</summary>
public static class TestData
{
    /// <summary>The repository's root (the folder holding DataForge.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The DICOM standard's data, beside the repository (../shared/data/dicom-standard).</summary>
    public static string DicomStandardData => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "dicom-standard"));

    /// <summary>Every DICOM file shipped by python3-pydicom's test data, sorted; empty when not installed.</summary>
    public static IReadOnlyList<string> PydicomFiles() =>
        FilesUnder("/usr/lib/python3/dist-packages/pydicom/data/test_files", "*.dcm");

    /// <summary>Every file under a folder matching a pattern, sorted ordinally; empty when the folder is missing.</summary>
    public static IReadOnlyList<string> FilesUnder(string folder, string pattern) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DataForge.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DataForge.sln not found above " + AppContext.BaseDirectory);
    }
}
