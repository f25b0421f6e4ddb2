using System.Security.Cryptography;
using System.Text;
using DataForge.Manifest;
using DataForge.Manifest.Schema;

namespace DataForge.Manifest.Tests;

/// <summary>.dataforge/manifest.validated: a manifest text that passed the schema is not checked against it again.</summary>
public sealed class ValidatedStampTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string StampPath => Path.Combine(_f.Root, ".dataforge", "manifest.validated");

    /// <summary>The digest as the stamp's documented format says: SHA-256 of "manifest-schema/1", NUL, schema, NUL, manifest.</summary>
    private static string DigestOf(string manifest) => Convert.ToHexStringLower(SHA256.HashData(
        Encoding.UTF8.GetBytes("manifest-schema/1\0" + ManifestSchema.Load().Text + "\0" + manifest)));

    [Fact]
    public void A_valid_manifest_leaves_a_stamp_holding_only_its_digest_when_the_project_has_a_store()
    {
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));

        Assert.Empty(_f.Load(ManifestFixture.Minimal).Problems);

        var stamp = File.ReadAllText(StampPath).Trim();
        Assert.Equal(DigestOf(ManifestFixture.Minimal), stamp);
        Assert.DoesNotContain("demo", stamp, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_store_folder_nothing_is_written()
    {
        Assert.Empty(_f.Load(ManifestFixture.Minimal).Problems);

        Assert.False(Directory.Exists(Path.Combine(_f.Root, ".dataforge")));
    }

    [Fact]
    public void A_manifest_edited_after_it_passed_is_checked_against_the_schema_again()
    {
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        Assert.Empty(_f.Load(ManifestFixture.Minimal).Problems);

        var problems = _f.Problems(ManifestFixture.Minimal.Replace("name: demo", "name: Bad Name", StringComparison.Ordinal));

        Assert.StartsWith("dataforge.yaml:2:7: name: 'Bad Name' is not valid", Assert.Single(problems));
    }

    [Fact]
    public void The_exact_text_that_passed_is_not_checked_against_the_schema_again()
    {
        // Forge a stamp for a text the schema rejects: only a skipped check lets it through, which
        // shows that the stamp is what decides (its digest covers the text, so an edit cannot match).
        var invalid = ManifestFixture.Minimal.Replace("name: demo", "name: Bad Name", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_f.Root, ".dataforge"));
        File.WriteAllText(StampPath, DigestOf(invalid) + "\n");

        Assert.Empty(_f.Load(invalid).Problems);
        File.WriteAllText(StampPath, DigestOf(ManifestFixture.Minimal) + "\n");
        Assert.NotEmpty(_f.Load(invalid).Problems);
    }
}
