using System.Security.Cryptography;
using System.Text;

namespace DataForge.Manifest.Tests;

/// <summary>.dataforge/manifest.parsed: a manifest text parsed before is read back as its tree, not parsed again.</summary>
public sealed class ParsedManifestCacheTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string CachePath => Path.Combine(_f.Root, ".dataforge", "manifest.parsed");

    /// <summary>The digest the cache keys a text by: the text and the build of the parser that read it.</summary>
    private static string DigestOf(string manifest) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"manifest-parsed/1\0{typeof(ManifestLoader).Assembly.ManifestModule.ModuleVersionId}\0{manifest}")));

    // Two sources with one id (a problem with a location), anchors, numbers, quoted and non-ASCII text.
    private const string Rich = """
        version: 1
        name: demo
        description: "Ünïcode, <tags> & \"quotes\""
        sources:
          - &first
            id: ct
            kind: dicom
            path: raw
            include: ["**/*.dcm", '*.DCM']
          - id: ct
            kind: dicom
            path: raw
        output: {path: out, compress: false}
        splits:
          ratios: {train: 0.7, val: 0.10, test: 0.2}
        """;

    [Fact]
    public void A_manifest_read_from_the_cache_loads_as_it_did_when_parsed()
    {
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        var parsed = _f.Load(Rich);
        Assert.True(File.Exists(CachePath));
        Assert.StartsWith(DigestOf(Rich) + "\n", File.ReadAllText(CachePath), StringComparison.Ordinal);

        var cached = _f.Load(Rich);

        Assert.Equal(parsed.Problems.Select(p => p.ToString()), cached.Problems.Select(p => p.ToString()));
        Assert.NotEmpty(cached.Problems);
        Assert.Equal(parsed.Manifest!.Document.Root!.ToJsonString(), cached.Manifest!.Document.Root!.ToJsonString());
        foreach (var path in new[] { "", "sources", "sources[0]", "sources[1].id", "sources[0].include[1]", "output.compress", "splits.ratios.val" })
        {
            Assert.Equal(parsed.Manifest.Document.ValueAt(path), cached.Manifest.Document.ValueAt(path));
            Assert.Equal(parsed.Manifest.Document.KeyAt(path), cached.Manifest.Document.KeyAt(path));
        }
        Assert.Equal(0.10, cached.Manifest.Splits!["ratios"]!["val"]!.GetValue<double>());
        Assert.False(cached.Manifest.Output.Compress);
    }

    [Fact]
    public void The_cached_tree_of_exactly_this_text_is_what_is_read()
    {
        // A cache forged for this text with another name: only a skipped parse can load that name, which shows the
        // cache decides; its digest covers the text, so an edited manifest is parsed again.
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        _f.Load(ManifestFixture.Minimal);
        File.WriteAllText(CachePath, File.ReadAllText(CachePath).Replace("\"demo\"", "\"forged\"", StringComparison.Ordinal));

        Assert.Equal("forged", _f.Load(ManifestFixture.Minimal).Manifest!.Name);
        var edited = ManifestFixture.Minimal.Replace("name: demo", "name: edited", StringComparison.Ordinal);
        Assert.Equal("edited", _f.Load(edited).Manifest!.Name);
    }

    [Fact]
    public void A_tree_another_build_of_the_parser_cached_is_not_taken()
    {
        // As the DataForge before this rule left it: the same text, keyed by the text alone (a forged name shows if it is taken).
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        _f.Load(ManifestFixture.Minimal);
        var tree = File.ReadAllText(CachePath).Split('\n', 2)[1].Replace("\"demo\"", "\"forged\"", StringComparison.Ordinal);
        var older = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("manifest-parsed/1\0" + ManifestFixture.Minimal)));
        File.WriteAllText(CachePath, older + "\n" + tree);

        Assert.Equal("demo", _f.Load(ManifestFixture.Minimal).Manifest!.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a digest\n{}")]
    [InlineData("DIGEST\n{\"root\": {\"version\": 1}")]
    [InlineData("DIGEST\n{\"root\": null, \"values\": [[\"\", \"x\", 1]], \"keys\": []}")]
    public void A_damaged_cache_means_the_manifest_is_parsed_again(string content)
    {
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        File.WriteAllText(CachePath, content.Replace("DIGEST", DigestOf(ManifestFixture.Minimal), StringComparison.Ordinal));

        var result = _f.Load(ManifestFixture.Minimal);

        Assert.Empty(result.Problems);
        Assert.Equal("demo", result.Manifest!.Name);
    }

    [Fact]
    public void A_yaml_error_is_not_cached_and_without_a_store_folder_nothing_is_written()
    {
        Assert.Empty(_f.Load(ManifestFixture.Minimal).Problems);
        Assert.False(Directory.Exists(Path.Combine(_f.Root, ".dataforge")));

        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        Assert.NotEmpty(_f.Load("version: 1\nname: [demo\n").Problems);
        Assert.False(File.Exists(CachePath));
    }
}
