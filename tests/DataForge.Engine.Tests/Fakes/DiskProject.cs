using System.Text;
using DataForge.Testing;

namespace DataForge.Engine.Tests.Fakes;

/// <summary>A project folder on disk for tests that need real processes, SQLite files or permissions: raw/ sources, out/ outputs.</summary>
public sealed class DiskProject : IDisposable
{
    private readonly TempDirectory _dir = new("dataforge-engine");

    public string Root => _dir.Path;

    public string Raw => Path.Combine(Root, "raw");

    public string Out => Path.Combine(Root, "out");

    public string StateRoot => Path.Combine(Root, ".dataforge");

    /// <summary>Writes a source file "series=S\n" + body.</summary>
    public void WriteSource(string relative, string series, string body) =>
        _dir.WriteText(Path.Combine("raw", relative), $"series={series}\n{body}");

    /// <summary>Writes n sources of about <paramref name="size"/> bytes, deterministic from the index.</summary>
    public void WriteMany(int n, int seriesCount = 4, int size = 2000)
    {
        for (var i = 0; i < n; i++)
            WriteSource($"s{i % seriesCount}/i{i:D4}.txt", $"S{i % seriesCount}", Body(i, size));
    }

    public static string Body(int i, int size)
    {
        var text = new StringBuilder();
        while (text.Length < size) text.Append(i).Append(':').Append(text.Length).Append(' ');
        return text.ToString();
    }

    /// <summary>Every file under out/ with its bytes, sorted by relative path; fails on stray temporary files by listing them too.</summary>
    public IReadOnlyList<(string Path, byte[] Bytes)> Outputs() => Snapshot(Out);

    public static IReadOnlyList<(string Path, byte[] Bytes)> Snapshot(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => (Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes(f)))
                .OrderBy(p => p.Item1, StringComparer.Ordinal).ToList()
            : [];

    public void Dispose() => _dir.Dispose();
}
