using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DataForge.Engine;
using DataForge.Engine.Building;
using DataForge.Testing;

namespace DataForge.Stages.Tests.VolumeSources;

/// <summary>
/// A project whose sources nibabel writes (write_bids.py): a BIDS tree with identifiers planted in NIfTI header
/// text, extensions and JSON sidecars, Analyze 7.5 pairs, and masks mirroring the BIDS tree. Built through
/// ManifestLoader and PipelineFactory like the CLI does.
/// </summary>
public sealed class NiftiSourceProject : IDisposable
{
    public static readonly byte[] Secret = "nifti-source-secret-0123456789abcdef"u8.ToArray();
    private readonly TempDirectory _dir = new("dataforge-niftisrc");

    public NiftiSourceProject()
    {
        var python = Oracle.RequirePython("nibabel", "numpy");
        var run = Oracle.Run(python, [Script("write_bids.py"), _dir.Path]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        using var written = JsonDocument.Parse(run.StandardOutput);
        Planted = written.RootElement.GetProperty("planted").EnumerateArray().Select(p => p.GetString()!).ToList();
        Images = written.RootElement.GetProperty("images").EnumerateObject().Select(p => p.Name).ToList();
    }

    /// <summary>Every identifier planted in the sources (names in several forms, IDs, dates, serial, UID, subject and session labels).</summary>
    public IReadOnlyList<string> Planted { get; }

    /// <summary>Source-relative paths of the images (bids/... and legacy .hdr).</summary>
    public IReadOnlyList<string> Images { get; }

    public string Root => _dir.Path;

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Oracles", name);

    /// <summary>Loads the manifest text (must validate) and builds it.</summary>
    public BuildResult Build(string yaml, int jobs = 2, string? root = null)
    {
        root ??= Root;
        File.WriteAllText(Path.Combine(root, "dataforge.yaml"), yaml);
        var loaded = ManifestModules.Loader().Load(Path.Combine(root, "dataforge.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var manifest = loaded.Manifest!;
        var engine = new BuildEngine(PipelineFactory.Layout(manifest));
        return engine.Build(PipelineFactory.Create(manifest, Secret), new BuildOptions { Jobs = jobs });
    }

    /// <summary>A copy of the sources (bids, legacy, masks) in a new project folder, for a second, independent build.</summary>
    public TempDirectory CopySources()
    {
        var copy = new TempDirectory("dataforge-niftisrc-copy");
        foreach (var top in new[] { "bids", "legacy", "masks" })
            foreach (var file in Directory.EnumerateFiles(Combine(top), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy.Path, Path.GetRelativePath(Root, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        return copy;
    }

    /// <summary>Relative path and SHA-256 of every file under a folder, sorted.</summary>
    public static IReadOnlyList<string> Digest(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/') + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Every planted identifier found in a folder's paths and bytes (case ignored): whole files, except that a
    /// NIfTI volume is searched up to its voxel data (header and extensions), after gunzip.
    /// </summary>
    public IReadOnlyList<string> Leaks(string folder)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            var bytes = File.ReadAllBytes(file);
            if (bytes is [0x1f, 0x8b, ..])
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gz.CopyTo(plain);
                bytes = plain.ToArray();
            }
            if (relative.EndsWith(".nii", StringComparison.Ordinal) || relative.EndsWith(".nii.gz", StringComparison.Ordinal))
                bytes = bytes[..(int)Math.Min(bytes.Length, BitConverter.ToSingle(bytes, 108))];
            var text = Encoding.Latin1.GetString(bytes);
            foreach (var p in Planted)
            {
                if (relative.Contains(p, StringComparison.OrdinalIgnoreCase)) found.Add($"{relative}: path holds '{p}'");
                if (text.Contains(p, StringComparison.OrdinalIgnoreCase)) found.Add($"{relative}: bytes hold '{p}'");
            }
        }
        return found;
    }

    public void Dispose() => _dir.Dispose();
}
