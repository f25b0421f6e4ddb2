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
    public void Export_writes_a_private_table_and_never_into_the_output_folder()
    {
        CliRunner.Run(_dir.Path, "build");
        var result = CliRunner.Run(_dir.Path, "pseudonyms", "export");
        Assert.Equal(0, result.ExitCode);
        var csv = File.ReadAllLines(_dir.Combine(".dataforge", "pseudonyms.csv"));
        Assert.Equal(3, csv.Length);
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
