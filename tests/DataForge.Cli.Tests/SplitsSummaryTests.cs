using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

public sealed class SplitsSummaryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Build_prints_patients_per_split_and_warns_of_an_empty_split()
    {
        CliRunner.Run(_dir.Path, "init");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 8 });
        File.AppendAllText(_dir.Combine("dataforge.yaml"),
            "\ndeidentify:\n  profile: basic\nsplits:\n  seed: 7\n  ratios: {train: 0.5, test: 0.5}\n");

        var result = CliRunner.Run(_dir.Path, "build");

        Assert.Equal(0, result.ExitCode);
        // One patient, two splits: one of them is empty whatever the secret.
        var counts = JsonDocument.Parse(File.ReadAllText(_dir.Combine("out", "splits.json"))).RootElement.GetProperty("counts");
        var (train, test) = (counts.GetProperty("train").GetInt32(), counts.GetProperty("test").GetInt32());
        Assert.Equal(1, train + test);
        Assert.Contains($"splits: 1 patient: train {train} ({100 * train}%), test {test} ({100 * test}%); asked train 50%, test 50% (out/splits.json)", result.Out);
        var empty = train == 0 ? "train" : "test";
        Assert.Contains($"note: split '{empty}' has no patient", result.Error);
        Assert.DoesNotContain($"split '{(empty == "train" ? "test" : "train")}' has no patient", result.Error);

        var json = JsonDocument.Parse(CliRunner.Run(_dir.Path, "build", "--json").Out).RootElement.GetProperty("splits");
        Assert.Equal(1, json.GetProperty("patients").GetInt32());
        Assert.Equal(train, json.GetProperty("splits").GetProperty("train").GetProperty("patients").GetInt32());
        Assert.Equal(0.5, json.GetProperty("splits").GetProperty("test").GetProperty("ratio").GetDouble());
    }
}
