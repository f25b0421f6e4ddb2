using System.Text.Json;

namespace DataForge.Release.Tests;

/// <summary>
/// The secret, the vault and the releases stay consistent, or DataForge refuses loudly: a lost
/// <c>.dataforge/</c> never silently mints a new secret, and a damaged vault is reported by every
/// command until it is repaired.
/// </summary>
public sealed class SecretAndVaultTests
{
    [Fact]
    public void A_lost_private_zone_is_refused_with_the_way_back_and_restoring_the_secret_recovers_the_release()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var released = p.OutputHashes();
        var secret = File.ReadAllBytes(p.Combine(".dataforge", "secret.key"));
        var fingerprint = JsonDocument.Parse(p.Git("show", "v1:releases/v1/manifest.json")).RootElement.GetProperty("secret_fingerprint").GetString()!;
        Assert.Matches("^[0-9a-f]{16}$", fingerprint);
        Assert.DoesNotContain(fingerprint, System.Text.Encoding.UTF8.GetString(secret));

        Directory.Delete(p.Combine(".dataforge"), recursive: true);
        var refused = p.Run("build").AssertExit(2);
        Assert.Contains("there is no project secret", refused.Error);
        Assert.Contains("v1", refused.Error);
        Assert.Contains("Restore .dataforge/secret.key", refused.Error);
        Assert.Contains("--new-secret", refused.Error);
        Assert.False(File.Exists(p.Combine(".dataforge", "secret.key")), "a refused build must not create a secret");
        // status says the same, instead of planning with a key that would make another dataset.
        p.Run("status").AssertExit(2);
        Assert.Equal(released, p.OutputHashes());

        // The way back: restore the secret, and the release rebuilds bit for bit; a build restores the store.
        Directory.CreateDirectory(p.Combine(".dataforge"));
        File.WriteAllBytes(p.Combine(".dataforge", "secret.key"), secret);
        p.Run("verify", "v1").AssertExit(0);
        p.Run("build").AssertExit(0);
        Assert.Equal(released, p.OutputHashes());
    }

    [Fact]
    public void A_new_secret_is_made_only_on_purpose_and_a_changed_one_is_refused()
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
        var before = p.OutputHashes();

        // Another secret where the store was made with one: refused by build, status and verify.
        File.WriteAllText(p.Combine(".dataforge", "secret.key"), new string('7', 64) + "\n");
        var refused = p.Run("build").AssertExit(2);
        Assert.Contains("is not the one that made the store", refused.Error);
        p.Run("status").AssertExit(2);
        var verify = p.Run("verify", "v1").AssertExit(2);
        Assert.Contains("is not the one release v1 was made with", verify.Error);
        Assert.Equal(before, p.OutputHashes());

        // On purpose: everything keyed by the secret changes, and the store now holds the new fingerprint.
        var fresh = p.Run("build", "--new-secret").AssertExit(0);
        // The old secret's vault is kept aside, not lost: it still re-identifies v1's pseudonyms with that secret.
        Assert.Contains("moved the vault of the earlier secret", fresh.Error);
        Assert.Single(Directory.GetFiles(p.Combine(".dataforge"), "vault.bin.before-new-secret-*"));
        var after = p.OutputHashes();
        Assert.Equal(before.Count, after.Count);
        Assert.DoesNotContain(after.Keys, k => k.EndsWith(".dcm", StringComparison.Ordinal) && before.ContainsKey(k));
        p.Run("build").AssertExit(0);
        // v1 was made with the old secret: verify says so rather than reporting every file as different.
        p.Run("verify", "v1").AssertExit(2);
    }

    [Fact]
    public void A_release_made_without_a_secret_does_not_stop_the_first_de_identifying_build_from_creating_one()
    {
        using var p = new ReleaseProject();
        // The project starts without deidentify: (ReleaseProject adds one): nothing needs a secret yet.
        File.WriteAllText(p.Combine("dataforge.yaml"), File.ReadAllText(p.Combine("dataforge.yaml")).Replace("\ndeidentify:\n  profile: basic\n", "\n", StringComparison.Ordinal));
        p.Run("build").AssertExit(0);
        p.Run("release", "v0").AssertExit(0);
        Assert.False(File.Exists(p.Combine(".dataforge", "secret.key")));

        File.AppendAllText(p.Combine("dataforge.yaml"), "\ndeidentify:\n  profile: basic\n");
        var build = p.Run("build").AssertExit(0);
        Assert.Contains("created the project secret", build.Error);
        Assert.True(File.Exists(p.Combine(".dataforge", "secret.key")));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("bit-flipped")]
    [InlineData("wrong-secret")]
    public void A_vault_that_does_not_open_is_reported_by_every_command_refused_by_release_and_repaired_from_the_store(string damage)
    {
        using var p = new ReleaseProject();
        p.Run("build").AssertExit(0);
        var vault = p.Combine(".dataforge", "vault.bin");
        p.Run("pseudonyms", "export").AssertExit(0);
        var csv = File.ReadAllText(p.Combine(".dataforge", "pseudonyms.csv"));

        var bytes = File.ReadAllBytes(vault);
        switch (damage)
        {
            case "truncated": bytes = bytes[..20]; break;
            case "bit-flipped": bytes[^20] ^= 0x01; break;
            // The key check of another secret's vault: header bytes 9..16.
            case "wrong-secret": for (var i = 9; i < 17; i++) bytes[i] ^= 0x5a; break;
        }
        File.WriteAllBytes(vault, bytes);

        var build = p.Run("build").AssertExit(1);
        Assert.Contains("vault:", build.Error);
        Assert.Contains("pseudonyms repair", build.Error);
        Assert.DoesNotContain("build succeeded", build.Out);
        Assert.Equal(bytes, File.ReadAllBytes(vault));
        var status = p.Run("status");
        Assert.Contains("vault:", status.Error);
        p.Run("release", "v1").AssertExit(1);
        p.Run("pseudonyms", "export").AssertExit(2);

        var repaired = p.Run("pseudonyms", "repair").AssertExit(0);
        Assert.Contains("vault rebuilt: 2 patients", repaired.Out);
        Assert.Single(Directory.GetFiles(p.Combine(".dataforge"), "vault.bin.damaged-*"));
        p.Run("pseudonyms", "export").AssertExit(0);
        Assert.Equal(csv, File.ReadAllText(p.Combine(".dataforge", "pseudonyms.csv")));
        p.Run("build").AssertExit(0);
        p.Run("release", "v1").AssertExit(0);
    }
}
