using DataForge.Testing;

namespace DataForge.Manifest.Tests;

/// <summary>A project folder with a source folder, where manifest texts are written and loaded.</summary>
public sealed class ManifestFixture : IDisposable
{
    // As every command loads it: with the checks of the modules that own sections (DataForge.Stages).
    private static readonly ManifestLoader Loader = DataForge.Stages.ManifestModules.Loader();
    private readonly TempDirectory _dir = new("dataforge-manifest");

    public ManifestFixture() => Directory.CreateDirectory(_dir.Combine("raw"));

    public string Root => _dir.Path;

    public ManifestLoadResult Load(string yaml, string name = "dataforge.yaml")
    {
        var path = _dir.WriteText(name, yaml);
        return Loader.Load(path);
    }

    /// <summary>The problems as the CLI prints them, with the folder stripped.</summary>
    public IReadOnlyList<string> Problems(string yaml)
    {
        var result = Load(yaml);
        return result.Problems.Select(p => p.ToString().Replace(_dir.Path + Path.DirectorySeparatorChar, "")).ToList();
    }

    public void Dispose() => _dir.Dispose();

    public const string Minimal = """
        version: 1
        name: demo
        sources:
          - id: ct
            kind: dicom
            path: raw
        """;
}
