namespace DataForge.Manifest.Tests;

/// <summary>The <c>execution:</c> section: where a build runs, bound to typed settings, refused at the line of a wrong key.</summary>
public sealed class ExecutionSectionTests : IDisposable
{
    private readonly ManifestFixture _f = new();

    public void Dispose() => _f.Dispose();

    private const string Execution = """

        execution:
          executor: slurm
          slurm:
            partition: short
            account: imaging
            time_limit: "0-02:00"
            cpus_per_task: 4
            mem_per_task: 8G
            max_array_size: 500
            sbatch_flags: ["--qos=low", "--exclusive"]
            retries: 3
            poll_seconds: 5
        """;

    [Fact]
    public void Every_slurm_key_is_bound()
    {
        var result = _f.Load(ManifestFixture.Minimal + Execution);
        Assert.Empty(result.Problems);
        var execution = result.Manifest!.Execution;
        Assert.Equal("slurm", execution.Executor);
        var s = execution.Slurm;
        Assert.Equal(("short", "imaging", "0-02:00", 4, "8G", 500, 3, 5.0), (s.Partition, s.Account, s.TimeLimit, s.CpusPerTask, s.MemPerTask, s.MaxArraySize, s.Retries, s.PollSeconds));
        Assert.Equal(["--qos=low", "--exclusive"], s.SbatchFlags);
    }

    [Fact]
    public void Without_the_section_the_build_runs_locally()
    {
        var result = _f.Load(ManifestFixture.Minimal);
        Assert.Equal("local", result.Manifest!.Execution.Executor);
    }

    [Fact]
    public void An_unknown_slurm_key_is_refused_at_its_line_and_column()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + Execution + "\n    partiton: long\n");
        Assert.StartsWith("dataforge.yaml:19:5: unknown key 'partiton' in execution.slurm; did you mean 'partition'?", Assert.Single(problems));
    }

    [Fact]
    public void An_unknown_executor_is_refused_with_the_ones_there_are()
    {
        var problems = _f.Problems(ManifestFixture.Minimal + "\nexecution:\n  executor: pbs\n");
        Assert.StartsWith("dataforge.yaml:8:13: execution.executor: 'pbs' is not one of: local, slurm", Assert.Single(problems));
    }
}
