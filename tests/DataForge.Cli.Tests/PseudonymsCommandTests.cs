using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class PseudonymsCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public PseudonymsCommandTests()
    {
        CliRunner.Run(_dir.Path, "init");
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\ndeidentify:\n  profile: basic\n  pseudonym_prefix: T-\n");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 2, Slices = 2, Matrix = 16 });
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Lookup_needs_the_secret_a_build_creates()
    {
        var result = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN100000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("there is no project secret yet", result.Error);
    }

    [Fact]
    public void A_patient_id_maps_to_the_pseudonym_of_the_build_and_back()
    {
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build").ExitCode);
        var published = Directory.GetDirectories(_dir.Combine("out", "dicom")).Select(Path.GetFileName).ToHashSet();

        var forward = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL");
        Assert.Equal(0, forward.ExitCode);
        var pseudonym = forward.Out.Trim();
        Assert.Contains(pseudonym, published);

        var back = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", pseudonym);
        Assert.Equal(0, back.ExitCode);
        Assert.Contains("id=SYN100000", back.Out);
        Assert.Contains("name=MUSTERMANN^ERIKA", back.Out);
    }

    [Fact]
    public void Lookup_reads_the_vault_not_the_sources()
    {
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build").ExitCode);
        Assert.True(File.Exists(_dir.Combine(".dataforge", "vault.bin")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine(".dataforge", "vault.bin")));
        var pseudonym = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL").Out.Trim();
        Directory.Delete(_dir.Combine("raw"), recursive: true);
        Directory.CreateDirectory(_dir.Combine("raw"));
        var back = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", pseudonym);
        Assert.Equal(0, back.ExitCode);
        Assert.Contains("id=SYN100000", back.Out);
    }

    [Fact]
    public void A_wrong_secret_or_a_tampered_vault_is_a_plain_error_with_exit_2()
    {
        var manifest = _dir.Combine("dataforge.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("# secret: env:DATAFORGE_SECRET", "secret: env:DATAFORGE_SECRET"));
        Assert.Contains("secret: env:DATAFORGE_SECRET", File.ReadAllText(manifest));
        var right = new Dictionary<string, string> { ["DATAFORGE_SECRET"] = "right-secret-right-secret-right-secret" };
        var wrong = new Dictionary<string, string> { ["DATAFORGE_SECRET"] = "wrong-secret-wrong-secret-wrong-secret" };
        Assert.Equal(0, CliRunner.Run(_dir.Path, right, "build").ExitCode);
        Assert.Equal(0, CliRunner.Run(_dir.Path, right, "pseudonyms", "export").ExitCode);

        var refused = CliRunner.Run(_dir.Path, wrong, "pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL");
        Assert.Equal(2, refused.ExitCode);
        // The store records the fingerprint of the secret that made it: another one is refused before the vault is read.
        Assert.Contains("is not the one that made the store", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
        var missing = CliRunner.Run(_dir.Path, "pseudonyms", "export");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("DATAFORGE_SECRET", missing.Error);

        var vault = _dir.Combine(".dataforge", "vault.bin");
        var bytes = File.ReadAllBytes(vault);
        bytes[^20] ^= 0x01;
        File.WriteAllBytes(vault, bytes);
        var tampered = CliRunner.Run(_dir.Path, right, "pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL");
        Assert.Equal(2, tampered.ExitCode);
        Assert.Contains("altered or damaged", tampered.Error);
        Assert.DoesNotContain("   at ", tampered.Error);
        // A build never overwrites a vault it cannot open, and never passes over one in silence: with
        // nothing new, and with a new patient, it fails (exit 1) with the reason and the way out.
        var nothingNew = CliRunner.Run(_dir.Path, right, "build");
        Assert.Equal(1, nothingNew.ExitCode);
        Assert.Contains("altered or damaged", nothingNew.Error);
        Assert.Contains("pseudonyms repair", nothingNew.Error);
        Assert.Equal(bytes, File.ReadAllBytes(vault));
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 3, Slices = 2, Matrix = 16 });
        var build = CliRunner.Run(_dir.Path, right, "build");
        Assert.Equal(1, build.ExitCode);
        Assert.Contains("altered or damaged", build.Error);
        Assert.Equal(bytes, File.ReadAllBytes(vault));
    }

    [Fact]
    public void Anonymise_mode_keeps_no_vault_and_lookup_says_so()
    {
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "  mode: anonymise\n");
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build").ExitCode);
        Assert.False(File.Exists(_dir.Combine(".dataforge", "vault.bin")));
        var lookup = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN100000");
        Assert.Equal(2, lookup.ExitCode);
        Assert.Contains("anonymise", lookup.Error);
    }

    [Fact]
    public void Sequential_pseudonyms_stay_put_when_patients_are_added_and_the_new_ones_are_appended()
    {
        var manifest = _dir.Combine("dataforge.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("  pseudonym_prefix: T-\n", "  pseudonym:\n    format: \"SUBJ-{seq:3}\"\n"));
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build", "-j", "1").ExitCode);
        Assert.Equal(["SUBJ-001", "SUBJ-002"], Published());
        var erika = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL").Out.Trim();
        var john = CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN107919", "--issuer", "SYNTHETIC GENERAL").Out.Trim();
        Assert.Equal(["SUBJ-001", "SUBJ-002"], new[] { erika, john }.Order().ToArray());

        // Two more patients (the first two are written again, unchanged): numbers 3 and 4, the others keep theirs.
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 4, Slices = 2, Matrix = 16 });
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build", "-j", "4").ExitCode);
        Assert.Equal(["SUBJ-001", "SUBJ-002", "SUBJ-003", "SUBJ-004"], Published());
        Assert.Equal(erika, CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN100000", "--issuer", "SYNTHETIC GENERAL").Out.Trim());
        Assert.Equal(john, CliRunner.Run(_dir.Path, "pseudonyms", "lookup", "SYN107919", "--issuer", "SYNTHETIC GENERAL").Out.Trim());

        // The first two patients numbered from scratch at another -j: the same numbers (the order is the
        // keyed tokens', not the scheduler's).
        var again = new TempDirectory();
        try
        {
            CliRunner.Run(again.Path, "init");
            File.Copy(manifest, again.Combine("dataforge.yaml"), overwrite: true);
            Directory.CreateDirectory(again.Combine(".dataforge"));
            File.Copy(_dir.Combine(".dataforge", "secret.key"), again.Combine(".dataforge", "secret.key"));
            SynthWriter.Write(again.Combine("raw"), new SynthOptions { Patients = 2, Slices = 2, Matrix = 16 });
            Assert.Equal(0, CliRunner.Run(again.Path, "build", "-j", "3").ExitCode);
            foreach (var id in new[] { "SYN100000", "SYN107919" })
                Assert.Equal(CliRunner.Run(_dir.Path, "pseudonyms", "lookup", id, "--issuer", "SYNTHETIC GENERAL").Out,
                    CliRunner.Run(again.Path, "pseudonyms", "lookup", id, "--issuer", "SYNTHETIC GENERAL").Out);
        }
        finally { again.Dispose(); }
    }

    private string[] Published() =>
        Directory.GetDirectories(_dir.Combine("out", "dicom")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Export_writes_a_private_table_and_never_into_the_output_folder()
    {
        CliRunner.Run(_dir.Path, "build");
        var result = CliRunner.Run(_dir.Path, "pseudonyms", "export");
        Assert.Equal(0, result.ExitCode);
        var csv = File.ReadAllLines(_dir.Combine(".dataforge", "pseudonyms.csv"));
        Assert.Equal(3, csv.Length);
        Assert.Equal("pseudonym,seq,issuer,patient_id,names,birth_dates", csv[0]);
        Assert.Contains(csv, l => l.Contains(",SYN107919,DOE^JOHN,", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine(".dataforge", "pseudonyms.csv")));

        var refused = CliRunner.Run(_dir.Path, "pseudonyms", "export", "out/table.csv");
        Assert.Equal(2, refused.ExitCode);
        Assert.False(File.Exists(_dir.Combine("out", "table.csv")));
    }

    [Fact]
    public void Status_plans_without_creating_the_secret()
    {
        var status = CliRunner.Run(_dir.Path, "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("deidentify: 8 of 8 would run (8 new input)", status.Out);
        Assert.Contains("the first build creates .dataforge/secret.key", status.Error);
        Assert.False(File.Exists(_dir.Combine(".dataforge", "secret.key")));
    }
}
