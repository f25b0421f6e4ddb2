using DataForge.Testing;

namespace DataForge.Release.Tests.Cluster;

/// <summary>The single-node Slurm the cluster tests build on runs a batch job and gives back its output.</summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmClusterTests
{
    [SkippableFact]
    public void A_wrapped_command_runs_as_a_batch_job_and_writes_its_output()
    {
        using var cluster = SlurmCluster.Start();
        using var dir = new TempDirectory("dfslurm-job");
        var token = Guid.NewGuid().ToString("N");
        var submit = cluster.Run("/usr/bin/sbatch", "--parsable", "--chdir", dir.Path, "--output", dir.Combine("out.txt"), "--wrap", $"echo {token}; nproc");
        Assert.True(submit.ExitCode == 0, submit.StandardError + cluster.Logs());
        Assert.Matches("^[0-9]+", submit.StandardOutput.Trim());
        cluster.WaitIdle(TimeSpan.FromSeconds(60));
        var lines = File.ReadAllLines(dir.Combine("out.txt"));
        Assert.Equal(token, lines[0]);
    }
}
