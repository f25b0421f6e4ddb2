using System.Text.Json;
using DataForge.Synth;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary><c>build --executor</c> and the manifest's <c>execution:</c> section, as far as a machine without Slurm sees them.</summary>
public sealed class ExecutorOptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ExecutorOptionTests()
    {
        CliRunner.Run(_dir.Path, "init");
        SynthWriter.Write(_dir.Combine("raw"), new SynthOptions { Patients = 1, Slices = 2, Matrix = 16 });
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\ndeidentify:\n  profile: basic\n");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Execution_settings_enter_no_action_key_so_changing_them_runs_nothing()
    {
        Assert.Equal(0, CliRunner.Run(_dir.Path, "build").ExitCode);
        File.AppendAllText(_dir.Combine("dataforge.yaml"), "\nexecution:\n  executor: slurm\n  slurm:\n    cpus_per_task: 8\n    retries: 5\n");

        var again = CliRunner.Run(_dir.Path, "build", "--executor", "local", "--json");
        Assert.Equal(0, again.ExitCode);
        var stages = JsonDocument.Parse(again.Out).RootElement.GetProperty("stages").EnumerateArray().ToList();
        Assert.NotEmpty(stages);
        Assert.All(stages, s => Assert.Equal(0, s.GetProperty("executed").GetInt32()));
    }

    [Fact]
    public void An_unknown_executor_is_a_usage_error()
    {
        var result = CliRunner.Run(_dir.Path, "build", "--executor", "pbs");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--executor must be local or slurm", result.Error);
    }

    [Fact]
    public void A_slurm_build_that_no_cluster_takes_fails_with_a_message_and_no_stack_trace()
    {
        // No cluster answers here (no sbatch, or no slurm.conf it can find): the build says so and ends with exit 1.
        var result = CliRunner.Run(_dir.Path, new Dictionary<string, string> { ["SLURM_CONF"] = _dir.Combine("no-such-slurm.conf") }, "build", "--executor", "slurm");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("sbatch", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("internal error", result.Error);
    }
}
