using System.Text.Json;
using DataForge.Stages.Deidentify;
using DataForge.Testing;

namespace DataForge.Stages.Tests.Deidentify;

public sealed class PseudonymVaultTests : IDisposable
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly KeyedIdentity Keys = new(System.Text.Encoding.UTF8.GetBytes(Secret));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static PatientIdentity Erika => new(Keys.PatientToken("id:HOSP\0P123"), "HOSP", "P123", "MUSTERMANN^ERIKA", "19640812");

    private string Saved()
    {
        var vault = new PseudonymVault();
        vault.Add(Erika, "EX-1");
        vault.Add(Erika with { Name = "GABLER^ERIKA" }, "EX-1");
        var path = _dir.Combine(".dataforge", "vault.bin");
        vault.Save(path, Keys);
        return path;
    }

    [Fact]
    public void The_vault_round_trips_under_the_secret_and_holds_no_plain_identity()
    {
        var path = Saved();
        var entry = Assert.Single(PseudonymVault.Load(path, Keys)!.Entries);
        Assert.Equal(("EX-1", "HOSP", "P123"), (entry.Pseudonym, entry.Issuer, entry.PatientId));
        Assert.Equal(["GABLER^ERIKA", "MUSTERMANN^ERIKA"], entry.Names);
        var bytes = File.ReadAllText(path, System.Text.Encoding.Latin1);
        Assert.DoesNotContain("P123", bytes);
        Assert.DoesNotContain("MUSTERMANN", bytes);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Python_cryptography_opens_the_vault_with_HKDF_and_AES_GCM_and_rejects_a_flipped_byte()
    {
        var python = Oracle.RequirePython("cryptography");
        var path = Saved();
        var script = Path.Combine(AppContext.BaseDirectory, "Oracles", "open_vault.py");
        var run = Oracle.Run(python, [script, path, Secret]);
        Assert.True(run.ExitCode == 0, run.StandardError);
        var patient = JsonDocument.Parse(run.StandardOutput).RootElement.GetProperty("patients")[0];
        Assert.Equal("P123", patient.GetProperty("patient_id").GetString());
        Assert.Equal("EX-1", patient.GetProperty("pseudonym").GetString());

        var bytes = File.ReadAllBytes(path);
        bytes[40] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Equal(3, Oracle.Run(python, [script, path, Secret]).ExitCode);
    }

    [Fact]
    public void Another_secret_is_refused_as_such()
    {
        var path = Saved();
        var other = new KeyedIdentity("another-secret-of-enough-length!"u8.ToArray());
        var e = Assert.Throws<VaultException>(() => PseudonymVault.Load(path, other));
        Assert.Contains("another secret", e.Message);
    }

    [Theory]
    [InlineData(40, "altered or damaged")]   // ciphertext
    [InlineData(20, "altered or damaged")]   // nonce (associated data)
    [InlineData(8, "format version")]
    [InlineData(0, "not a DataForge vault")]
    public void A_tampered_vault_is_refused_with_what_is_wrong(int offset, string expected)
    {
        var path = Saved();
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<VaultException>(() => PseudonymVault.Load(path, Keys));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("P123", e.Message);
    }

    [Fact]
    public void Each_write_uses_a_fresh_nonce()
    {
        var path = Saved();
        var first = File.ReadAllBytes(path);
        PseudonymVault.Load(path, Keys)!.Save(path, Keys);
        var second = File.ReadAllBytes(path);
        Assert.Equal(first.Length, second.Length);
        Assert.False(first.AsSpan(17, 12).SequenceEqual(second.AsSpan(17, 12)));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void A_sealed_identity_opens_only_under_its_secret_and_seals_the_same_way_twice()
    {
        var seal = SealedIdentity.Seal(Keys, Erika);
        Assert.Equal(seal, SealedIdentity.Seal(Keys, Erika));
        Assert.Equal(Erika, SealedIdentity.Open(Keys, seal));
        Assert.DoesNotContain("P123", System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(seal)));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            SealedIdentity.Open(new KeyedIdentity("another-secret-of-enough-length!"u8.ToArray()), seal));
    }

    [Fact]
    public void Known_patients_keep_their_number_when_the_pseudonym_changes()
    {
        var vault = new PseudonymVault();
        Assert.True(vault.Add(Erika, "S-1", 1));
        Assert.False(vault.Add(Erika, "S-1", 7));
        Assert.Equal(1, vault.FindByToken(Erika.Token)!.Seq);
        Assert.Equal(1, vault.LastSeq);
    }

    [Theory]
    [InlineData("SUBJ-{hash:8}", "ABCDEFGHJKMNPQRSTVWXYZ0123", null, "SUBJ-ABCDEFGH")]
    [InlineData("SUBJ-{seq:4}", "ABCDEFGHJKMNPQRSTVWXYZ0123", 7, "SUBJ-0007")]
    [InlineData("P{seq:2}-X", "ABCDEFGHJKMNPQRSTVWXYZ0123", 123, "P123-X")]
    public void Pseudonym_formats_write_hash_characters_or_padded_numbers(string format, string token, int? seq, string expected) =>
        Assert.Equal(expected, PseudonymFormat.Parse(format).Write(token, seq));
}
